"""Render retrieved fix entries as "mistake -> why -> fix" examples, within a token budget."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, Field

from t2j.prompts.templates import render
from t2j.prompts.tokens import count_tokens


class FixSection(BaseModel):
    text: str = ""  # the rendered section ("" when no entry fits)
    tokens: int = 0
    fix_ids: list[str] = Field(default_factory=list)
    dropped_fix_ids: list[str] = Field(default_factory=list)


def changed_region(buggy: str, fixed: str, context: int = 2) -> tuple[str, str]:
    """The lines where `buggy` and `fixed` differ, with `context` lines around, from each side.

    Entries hold whole files; a prompt needs only the part that shows the mistake.
    """
    a, b = buggy.strip("\n").splitlines(), fixed.strip("\n").splitlines()
    ops = [op for op in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not ops:
        return buggy.strip("\n"), fixed.strip("\n")
    a_lo, a_hi = max(ops[0][1] - context, 0), min(ops[-1][2] + context, len(a))
    b_lo, b_hi = max(ops[0][3] - context, 0), min(ops[-1][4] + context, len(b))
    return "\n".join(a[a_lo:a_hi]), "\n".join(b[b_lo:b_hi])


def _error_text(entry: Any) -> str:
    error = getattr(entry, "error", "")
    describe = getattr(error, "describe", None)
    return describe() if callable(describe) else str(error)


def render_fix(entry: Any) -> str:
    """One entry as a short example: title, buggy snippet, why, how it fails, fixed snippet."""
    buggy, fixed = changed_region(getattr(entry, "buggy_jax", ""), getattr(entry, "fixed_jax", ""))
    return render(
        "fix_entry",
        title=getattr(entry, "title", ""),
        id=getattr(entry, "id", "?"),
        buggy=buggy,
        why=" ".join(str(getattr(entry, "why", "")).split()),
        error=_error_text(entry),
        fixed=fixed,
    )


def fix_section(fixes: list[Any], budget_tokens: int, model: str | None = None) -> FixSection:
    """Entries in rank order while they fit in `budget_tokens` (an entry that does not fit is skipped, and a
    smaller one further down may still be taken). The section header counts against the budget."""
    if not fixes or budget_tokens <= 0:
        return FixSection(dropped_fix_ids=[getattr(f, "id", "?") for f in fixes])
    overhead = count_tokens(render("fixes_section", entries=""), model)
    used = overhead
    parts: list[str] = []
    ids: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for entry in fixes:
        entry_id = getattr(entry, "id", "?")
        if entry_id in seen:
            continue
        seen.add(entry_id)
        text = render_fix(entry)
        cost = count_tokens(text, model) + 1
        if used + cost > budget_tokens:
            dropped.append(entry_id)
            continue
        used += cost
        parts.append(text)
        ids.append(entry_id)
    if not parts:
        return FixSection(dropped_fix_ids=dropped)
    text = render("fixes_section", entries="\n".join(parts)).rstrip("\n") + "\n\n"
    return FixSection(text=text, tokens=count_tokens(text, model), fix_ids=ids, dropped_fix_ids=dropped)
