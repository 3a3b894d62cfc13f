"""Prove a fix-store entry: the buggy JAX fails the way `error` says, the fixed JAX verifies against the torch file."""

from __future__ import annotations

import re
from typing import Callable

from pydantic import BaseModel

from t2j.fixes.entry import ExceptionError, FixEntry, MismatchError
from t2j.settings import Settings
from t2j.verify.report import last_error_line

Verifier = Callable[..., object]  # verify_sources(torch_code, jax_code, entry=..., settings=...) -> Verification


class EntryCheck(BaseModel):
    """The outcome of checking one entry."""

    id: str
    ok: bool
    buggy_ok: bool  # the buggy code failed as the entry says
    fixed_ok: bool  # the fixed code verified
    rewrite_ok: bool | None = None  # the mechanical rewrite (if any) turns buggy into verified code
    problems: list[str] = []

    def summary(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.id}" + (f": {'; '.join(self.problems)}" if self.problems else "")


def failing_checks(verification) -> list[str]:
    """Names of the verifier checks that ran and failed."""
    return [c.name for c in verification.checks if not c.ok and not c.skipped]


def error_text(verification) -> str:
    """Everything the verifier said about a failure, for matching exception types and messages."""
    parts = [verification.error or ""]
    for check in verification.checks:
        for tensor in check.tensors:
            if tensor.problem:
                parts.append(f"{check.name}: {tensor.name}: {tensor.problem}")
    return "\n".join(p for p in parts if p)


_SHAPE_CLASH = re.compile(r"(?i)incompatible shapes|shapes for broadcasting|cannot broadcast|shape mismatch")


def describe(verification) -> str:
    """One line: the exception for a run that failed, else the verifier's summary."""
    if verification.error:
        return f"NOT VERIFIED ({verification.failed_stage}): {last_error_line(verification.error)}"
    return verification.summary()


def matches(spec: ExceptionError | MismatchError, verification) -> tuple[bool, str]:
    """Whether `verification` fails the way `spec` says; the second item explains a non-match."""
    if verification.ok:
        return False, "the buggy code verified (it is not a bug under this verifier)"
    if isinstance(spec, ExceptionError):
        text = error_text(verification)
        if not verification.error:
            return (
                False,
                f"expected {spec.describe()}, but the code ran; failing checks: {failing_checks(verification)}",
            )
        if not re.search(rf"\b(?:{spec.type})\b", text):
            return False, f"expected exception {spec.type}, got: {last_error_line(text)[:300]}"
        if spec.message and not re.search(spec.message, text):
            return (
                False,
                f"exception {spec.type} message does not match /{spec.message}/: {last_error_line(text)[:300]}",
            )
        return True, ""
    if verification.error:
        line = last_error_line(verification.error)
        if verification.failed_stage == "jax" and _SHAPE_CLASH.search(line):
            # Outputs of the wrong shape can surface as a broadcasting error when the verifier multiplies them by
            # the reference-shaped cotangents; that is the same mismatch, reported earlier.
            return True, ""
        return False, (
            f"expected a {spec.check} mismatch, but the run failed ({verification.failed_stage}): "
            f"{last_error_line(verification.error)[:300]}"
        )
    failing = failing_checks(verification)
    if spec.check not in failing:
        return False, f"expected check {spec.check} to fail; failing checks: {failing}"
    return True, ""


def entry_settings(entry: FixEntry) -> Settings:
    """The verifier settings an entry is checked under: its verdicts depend on exceptions and on the forward,
    backward and running-stats checks, never on timings or IR, so neither is collected; the fresh-model init check
    runs only for an entry whose error is an init mismatch."""
    wants_init = isinstance(entry.error, MismatchError) and entry.error.check == "init"
    return Settings(timing_runs=0, collect_ir=False, init_check="warn" if wants_init else "off")


def check_entry(
    entry: FixEntry, settings: Settings | None = None, verifier: Verifier | None = None, check_rewrite: bool = True
) -> EntryCheck:
    """Run the buggy and fixed code of `entry` (and its rewrite's output, where that is not the fixed code) through
    the verifier; each gets its own verdict. Without a `verifier`, the sandboxed reference runs once for all of
    them (t2j.verify.api.verify_translations)."""
    settings = settings or entry_settings(entry)
    problems: list[str] = []
    rewritten = entry.rewrite.apply(entry.buggy_jax) if check_rewrite and entry.rewrite is not None else None
    rewrite_runs = rewritten is not None and rewritten.strip() != entry.fixed_jax.strip()
    codes = [entry.buggy_jax, entry.fixed_jax] + ([rewritten] if rewrite_runs and rewritten is not None else [])
    if verifier is None:
        from t2j.verify.api import verify_translations

        results: list = verify_translations(entry.torch, codes, entry=entry.entry, settings=settings)
    else:
        results = [verifier(entry.torch, code, entry=entry.entry, settings=settings) for code in codes]
    buggy, fixed = results[0], results[1]
    buggy_ok, why = matches(entry.error, buggy)
    if not buggy_ok:
        problems.append(f"buggy: {why}")
    fixed_ok = bool(fixed.ok)
    if not fixed_ok:
        problems.append(f"fixed: {describe(fixed)[:400]}")
    rewrite_ok = None
    if check_rewrite and entry.rewrite is not None:
        if rewritten is None:
            rewrite_ok = False
            problems.append("rewrite: pattern does not occur in buggy_jax")
        elif not rewrite_runs:
            rewrite_ok = fixed_ok
        else:
            rewrite_ok = bool(results[2].ok)
            if not rewrite_ok:
                problems.append(f"rewrite: rewritten code does not verify: {describe(results[2])[:300]}")
    ok = buggy_ok and fixed_ok and rewrite_ok is not False
    return EntryCheck(
        id=entry.id, ok=ok, buggy_ok=buggy_ok, fixed_ok=fixed_ok, rewrite_ok=rewrite_ok, problems=problems
    )
