"""The LLM pipeline: draft (LLM, or rules + LLM for what rules could not do), verify, repair in bounded rounds.

    run_llm_translation(source, backend="openai" | "hybrid", settings) -> Translation
    translate_checked(text, ...)   the same for text t2j.translate already read and checked

An LLM must be configured (or a client given): `t2j.translate` is the dispatcher that falls back to the rules
backend when none is.

Each failing draft goes through at most `max_repairs` repair rounds. A round first tries the mechanical
`rewrite`s of the fix entries retrieved for the actual error (no LLM call); then asks the LLM with a repair prompt
carrying the failing draft, the verifier's report and those entries. The best verified (else least wrong)
candidate is returned, with every round's prompt size, verdict, fixes and tokens. A round that turns a failing
draft into a verified one is saved as a `mined` fix candidate (unreviewed) when the fix store supports it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from t2j.errors import BadInput
from t2j.llm.client import LLMClient, client_options
from t2j.llm.errors import LLMError, NoCodeBlock
from t2j.prompts.build import build_repair_prompt, build_translate_prompt
from t2j.repair.rank import wrongness
from t2j.repair.retrieval import FixRetriever, default_retriever
from t2j.repair.rounds import Round
from t2j.result import UNTRANSLATED_MARK, Diagnostic, Translation
from t2j.rules import translate_rules
from t2j.settings import LLM_BACKENDS, Settings
from t2j.source import check_reference, load_checked

log = logging.getLogger("t2j.repair")

FIXES_PER_PROMPT = 5


def _verifiable(source: str, entry: str | None) -> tuple[bool, str]:
    """Whether the verifier can run this source (it needs get_inputs() and an entry); why not otherwise."""
    from t2j.verify.training import is_training_script

    if entry is None and is_training_script(source):
        return True, ""
    try:
        check_reference(source, entry)
    except BadInput as exc:
        return False, str(exc)
    return True, ""


class _Run:
    """State of one pipeline run (kept out of module globals)."""

    def __init__(
        self,
        source: str,
        settings: Settings,
        client: LLMClient,
        retriever: FixRetriever | None,
        entry: str | None,
        verify: bool,
    ):
        self.source = source
        self.settings = settings
        self.client = client
        self.retriever = retriever
        self.entry = entry
        self.verify = verify
        self.rounds: list[Round] = []
        self.full: list = []  # each round's full Verification (with IR), parallel to self.rounds
        self.repaired_from: Round | None = None  # the candidate the latest LLM repair started from

    # -- helpers -------------------------------------------------------------------------------------------
    def fixes_for_source(self) -> list:
        if self.retriever is None:
            return []
        return list(self.retriever.for_source(self.source, FIXES_PER_PROMPT))

    def fixes_for_error(self, draft: str, verification) -> list:
        if self.retriever is None:
            return []
        return list(self.retriever.for_error(self.source, draft, verification, FIXES_PER_PROMPT))

    def check(self, code: str):
        if not self.verify:
            return None
        from t2j.verify.api import verify_sources

        return verify_sources(self.source, code, entry=self.entry, settings=self.settings)

    def add(self, round_: Round, verification, started: float) -> Round:
        # a round keeps the verdict without the IR dumps (the returned Translation has the best one in full)
        round_.verification = (
            verification.model_copy(update={"ir_forward": None, "ir_backward": None})
            if verification is not None
            else None
        )
        round_.verified = bool(verification is not None and verification.ok)
        if verification is not None:
            round_.summary = verification.summary()
        elif round_.error:
            round_.summary = round_.error
        else:
            round_.summary = "not verified (no inputs to run it on)"
        round_.seconds = time.monotonic() - started
        self.rounds.append(round_)
        self.full.append(verification)
        log.info("round %d (%s): %s", round_.index, round_.kind, round_.summary)
        return round_

    def ask(self, prompt, kind: str) -> Round:
        """One LLM call; a reply without code makes a round with an error, not an exception."""
        round_ = Round(
            index=len(self.rounds),
            kind=kind,
            prompt_tokens=prompt.tokens,
            augmentation_tokens=prompt.augmentation_tokens,
            fix_ids=list(prompt.fix_ids),
        )
        before = self.client.requests_made
        completion = self.client.complete(prompt)
        round_.requests = self.client.requests_made - before
        round_.usage_prompt_tokens = completion.prompt_tokens
        round_.usage_completion_tokens = completion.completion_tokens
        round_.cost_usd = completion.cost_usd
        round_.cached = completion.cached
        from t2j.llm.extract import extract_code

        try:
            round_.code = extract_code(completion.text)
        except NoCodeBlock as exc:
            round_.error = str(exc)
        return round_

    # -- stages --------------------------------------------------------------------------------------------
    def draft(self, backend: str) -> Round:
        started = time.monotonic()
        fixes = self.fixes_for_source()
        if backend == "hybrid":
            rules = translate_rules(self.source)
            marked = UNTRANSLATED_MARK in rules.code or bool(rules.diagnostics)
            if not marked:
                # rules translated everything: verify before spending tokens
                r = Round(index=0, kind="rules", code=rules.code)
                return self.add(r, self.check(rules.code), started)
            prompt = build_translate_prompt(
                self.source,
                fixes,
                self.settings.augmentation_tokens,
                draft=rules.code,
                entry=self.entry,
                model=self.client.model,
            )
        else:
            prompt = build_translate_prompt(
                self.source, fixes, self.settings.augmentation_tokens, entry=self.entry, model=self.client.model
            )
        try:
            r = self.ask(prompt, "llm-draft")
        except LLMError as exc:
            if backend != "hybrid":
                raise
            # the server failed: the rules draft (with its marks) is still a result worth returning
            log.warning("LLM draft failed, keeping the rules draft: %s", exc)
            r = Round(index=0, kind="rules", code=rules.code, error=f"LLM draft failed ({exc}); kept the rules draft")
            return self.add(r, self.check(rules.code), started)
        return self.add(r, self.check(r.code) if r.code else None, started)

    def rewrites(self, current: Round, fixes: list) -> tuple[Round | None, Round]:
        """Apply the mechanical rewrites of `fixes` (in rank order) to the failing code, verifying each change.
        Returns the round that verified (or None) and the least wrong candidate so far (rewrites chain on it)."""
        for entry in fixes:
            rewrite = getattr(entry, "rewrite", None)
            if rewrite is None or not current.code:
                continue
            new = rewrite.apply(current.code)
            if new is None or new == current.code:
                continue
            started = time.monotonic()
            r = Round(index=len(self.rounds), kind="rewrite", code=new, fix_ids=[entry.id])
            self.add(r, self.check(new), started)
            if r.verified:
                return r, r
            if wrongness(r.verification) < wrongness(current.verification):
                current = r
        return None, current

    def repair(self, current: Round, attempt: int) -> Round:
        started = time.monotonic()
        report: Any = current.verification if current.verification is not None else current.error
        fixes = self.fixes_for_error(current.code, report)
        fixed, improved = self.rewrites(current, fixes)
        if fixed is not None:
            return fixed
        if improved is not current:  # a rewrite helped without verifying: repair from there
            current = improved
            report = current.verification
        self.repaired_from = current
        draft = current.code or "# (the previous reply had no fenced code block)"
        prompt = build_repair_prompt(
            self.source,
            draft,
            report,
            fixes,
            self.settings.augmentation_tokens,
            attempt=attempt,
            entry=self.entry,
            model=self.client.model,
        )
        r = self.ask(prompt, "llm-repair")
        return self.add(r, self.check(r.code) if r.code else None, started)


def _mine_fix(source: str, before: Round, after: Round, entry: str | None) -> str | None:
    """Save a failing -> verified repair as an unreviewed `mined` fix candidate (t2j.fixes.add); never fails
    the translation."""
    from t2j.fixes.add import add_mined_fix

    try:
        return add_mined_fix(source, before.code, after.code, before.verification, entry=entry or "Model").id
    except Exception as exc:  # noqa: BLE001 - a failed recording must never fail the translation
        log.warning("could not save the mined fix: %s", exc)
        return None


def run_llm_translation(
    source: Any, backend: str = "openai", settings: Settings | None = None, **options: Any
) -> Translation:
    """Translate with an LLM (`openai`) or rules + LLM (`hybrid`), verify, repair; see the module doc.
    `source`: a path, source text, or a live class/function (checked: it parses and imports torch);
    `options`: those of `translate_checked` (max_repairs, client, retriever, entry, verify, mine_fixes)."""
    if backend not in LLM_BACKENDS:
        raise BadInput(f"unknown LLM backend '{backend}'; use one of: {', '.join(LLM_BACKENDS)} (or 'rules')")
    return translate_checked(load_checked(source), backend, settings, **options)


def translate_checked(
    text: str,
    backend: str = "openai",
    settings: Settings | None = None,
    *,
    max_repairs: int | None = None,
    client: LLMClient | None = None,
    retriever: FixRetriever | None = None,
    entry: str | None = None,
    verify: bool = True,
    mine_fixes: bool = True,
) -> Translation:
    """`run_llm_translation` for source text already read and checked (by t2j.translate)."""
    settings = settings or Settings()
    started = time.monotonic()
    client = client or LLMClient(settings, **client_options(settings))  # LLMNotConfigured without an LLM
    if retriever is None:
        retriever = default_retriever(settings)
    max_repairs = settings.max_repairs if max_repairs is None else max_repairs
    can_verify, why_not = _verifiable(text, entry) if verify else (False, "verification not asked for")
    run = _Run(text, settings, client, retriever, entry, verify=can_verify)

    current = run.draft(backend)
    attempt = 0
    while can_verify and not current.verified and attempt < max_repairs:
        attempt += 1
        try:
            new = run.repair(current, attempt)
        except LLMError as exc:
            # the server gave up mid-way: keep what we have rather than lose the rounds already paid for
            log.warning("repair stopped: %s", exc)
            run.rounds.append(Round(index=len(run.rounds), kind="llm-repair", error=str(exc), summary=str(exc)))
            run.full.append(None)
            break
        before = run.repaired_from
        if new.verified and mine_fixes and new.kind == "llm-repair" and before is not None and before.code:
            new.mined_fix = _mine_fix(text, before, new, entry)
        current = new

    candidates = [(r, v) for r, v in zip(run.rounds, run.full) if r.code]
    best, best_verification = min(candidates, key=lambda rv: (wrongness(rv[1]), -rv[0].index), default=(None, None))
    if best is None:
        raise LLMError(
            f"the model never replied with a fenced code block in {len(run.rounds)} round(s); try a stronger --model"
        )
    diagnostics = []
    if not can_verify:
        diagnostics.append(Diagnostic(line=0, message=f"not verified: {why_not}"))
    diagnostics += [
        Diagnostic(
            line=n, message="not translated: " + line.split(UNTRANSLATED_MARK, 1)[1].strip(), snippet=line.strip()
        )
        for n, line in enumerate(best.code.splitlines(), start=1)
        if UNTRANSLATED_MARK in line
    ]
    tokens = {
        "prompt": sum(r.usage_prompt_tokens for r in run.rounds),
        "completion": sum(r.usage_completion_tokens for r in run.rounds),
        "prompt_counted": sum(r.prompt_tokens for r in run.rounds),
        "augmentation": sum(r.augmentation_tokens for r in run.rounds),
        "requests": sum(r.requests for r in run.rounds),
        "llm_calls": sum(1 for r in run.rounds if r.kind in ("llm-draft", "llm-repair") and (r.requests or r.cached)),
        "cache_hits": sum(1 for r in run.rounds if r.cached),
    }
    tokens["total"] = tokens["prompt"] + tokens["completion"]
    return Translation(
        source=text,
        code=best.code,
        backend=backend,
        diagnostics=diagnostics,
        rules_fired=[],
        verification=best_verification,
        rounds=run.rounds,
        tokens=tokens,
        seconds=time.monotonic() - started,
    )


def total_cost(translation: Translation) -> float | None:
    """Sum of the rounds' cost in USD; None when no round has a known price."""
    costs = [getattr(r, "cost_usd", None) for r in translation.rounds]
    known = [c for c in costs if c is not None]
    return sum(known) if known else None
