"""Pure prompt builders: (source, fixes, budget, ...) -> Prompt. No I/O besides reading the templates."""

from __future__ import annotations

import re
from typing import Any

from t2j.prompts.fixes_text import fix_section
from t2j.prompts.model import Message, Prompt
from t2j.prompts.report_text import format_report
from t2j.prompts.templates import render
from t2j.prompts.tokens import count_message_tokens
from t2j.result import UNTRANSLATED_MARK


def open_spots(draft: str) -> list[str]:
    """The places a rules draft marked as not translated, as 'line N: what' strings."""
    spots = []
    for number, line in enumerate(draft.splitlines(), start=1):
        if UNTRANSLATED_MARK in line:
            spots.append(f"line {number}: {line.split(UNTRANSLATED_MARK, 1)[1].strip()}")
    return spots


def guess_entry(source: str) -> str:
    """The entry name the verifier will use: `Model` when defined, else the first nn.Module class."""
    if re.search(r"^class\s+Model\b", source, flags=re.MULTILINE):
        return "Model"
    match = re.search(r"^class\s+(\w+)\s*\(.*Module.*\)\s*:", source, flags=re.MULTILINE)
    return match.group(1) if match else "Model"


def _finish(kind: str, user: str, section, model: str | None) -> Prompt:
    messages = [Message(role="system", content=render("system").strip()), Message(role="user", content=user)]
    return Prompt(
        kind=kind,
        messages=messages,
        tokens=count_message_tokens([m.model_dump() for m in messages], model),
        augmentation_tokens=section.tokens,
        fix_ids=section.fix_ids,
        dropped_fix_ids=section.dropped_fix_ids,
    )


def build_translate_prompt(
    source: str,
    fixes: list[Any] = (),
    budget_tokens: int = 2000,
    draft: str | None = None,
    entry: str | None = None,
    model: str | None = None,
) -> Prompt:
    """The first-draft prompt. With `draft` (a rules translation carrying `# t2j: not translated:` marks) the
    LLM is asked to finish only the marked spots (the hybrid backend); without it, to translate from scratch."""
    entry = entry or guess_entry(source)
    section = fix_section(list(fixes), budget_tokens, model)
    contract = render("contract", entry=entry).strip()
    if draft is None:
        user = render("translate", contract=contract, fixes_section=section.text, source=source.strip("\n"))
        return _finish("translate", user, section, model)
    spots = open_spots(draft)
    listed = "\n".join(f"- {s}" for s in spots) if spots else "- (none marked; check the draft and complete it)"
    user = render(
        "hybrid",
        open_spots=listed,
        contract=contract,
        fixes_section=section.text,
        source=source.strip("\n"),
        draft=draft.strip("\n"),
    )
    return _finish("hybrid", user, section, model)


def build_repair_prompt(
    source: str,
    draft: str,
    verification: Any,
    fixes: list[Any] = (),
    budget: int = 2000,
    attempt: int = 1,
    entry: str | None = None,
    model: str | None = None,
) -> Prompt:
    """The repair prompt: the failing draft, what the verifier found (which output or gradient, how far off, or
    the traceback), and the fixes retrieved for that error, within `budget` tokens of augmentation."""
    entry = entry or guess_entry(source)
    section = fix_section(list(fixes), budget, model)
    user = render(
        "repair",
        report=format_report(verification, model),
        contract=render("contract", entry=entry).strip(),
        fixes_section=section.text,
        source=source.strip("\n"),
        draft=draft.strip("\n"),
        attempt=attempt,
    )
    return _finish("repair", user, section, model)


JUDGE_KINDS = ("codetrans", "codetrans_ref", "fixcost", "comparison")


def build_judge_prompt(kind: str, model: str | None = None, **values: str) -> Prompt:
    """A judge prompt for the evaluation: kind is one of JUDGE_KINDS; values fill the template
    (torch_code, jax_code; reference for codetrans_ref; jax_a / jax_b for comparison)."""
    if kind not in JUDGE_KINDS:
        raise ValueError(f"unknown judge prompt '{kind}'; use one of {', '.join(JUDGE_KINDS)}")
    user = render(f"judge_{kind}", **{k: str(v).strip("\n") for k, v in values.items()})
    messages = [Message(role="system", content=render("judge_system").strip()), Message(role="user", content=user)]
    return Prompt(
        kind=f"judge_{kind}",
        messages=messages,
        tokens=count_message_tokens([m.model_dump() for m in messages], model),
    )
