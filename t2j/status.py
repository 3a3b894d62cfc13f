"""The one status line every `t2j translate` ends with, and its exit code.

    VERIFIED (<what was checked>)                                exit 0
    NOT VERIFIED: <why> — <how to make it verifiable>            exit 1 (0 with --no-verify: not asked for)
    INCOMPLETE: <n> untranslated spots (<where>)                  exit 1

INCOMPLETE wins over NOT VERIFIED (the marks say what to finish first). A verified translation that still
carries marks (weight-initialisation code the check does not cover, say) is VERIFIED and says how many
marks are left.
"""

from __future__ import annotations

from dataclasses import dataclass

from t2j.result import UNTRANSLATED_MARK, Translation

MARK = UNTRANSLATED_MARK.rstrip(":")  # as the status line quotes it
EXIT_VERIFIED, EXIT_NOT_VERIFIED, EXIT_BAD_INPUT = 0, 1, 2


@dataclass(frozen=True)
class Status:
    kind: str  # "VERIFIED" | "NOT VERIFIED" | "INCOMPLETE"
    line: str
    exit_code: int


def marked_lines(code: str) -> list[int]:
    """Line numbers (1-based) of the translation that carry a `# t2j: not translated` mark."""
    return [i for i, text in enumerate(code.splitlines(), 1) if MARK in text]


def _spots(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:5])
    return f"lines {shown}" + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")


def translation_status(translation: Translation, verify_asked: bool = True) -> Status:
    """The verdict a person can trust on one translation (see the module docstring)."""
    spots = marked_lines(translation.code)
    v = translation.verification
    if v is not None and v.ok:
        checked = ", ".join(c.name for c in v.checks if not c.skipped and c.ok) or "outputs"
        extra = f"; {len(spots)} spots still marked '{MARK}' ({_spots(spots)})" if spots else ""
        return Status("VERIFIED", f"VERIFIED ({checked}{extra})", EXIT_VERIFIED)
    if spots:
        why = "" if v is None else "; not verified either"
        return Status(
            "INCOMPLETE",
            f"INCOMPLETE: {len(spots)} untranslated spots (marked '{MARK}' at {_spots(spots)}){why}",
            EXIT_NOT_VERIFIED,
        )
    if v is not None:
        if v.error:
            reason = v.error.strip().splitlines()[-1][:200]
            why = f"the {v.failed_stage or 'verification'} run failed: {reason}"
        else:
            failed = [c for c in v.checks if not c.ok and not c.skipped]
            why = "; ".join(f"{c.name} differs (max abs err {c.max_abs_err:.2e})" for c in failed) or "a check failed"
        return Status(
            "NOT VERIFIED",
            f"NOT VERIFIED: {why} — fix the translation where the report above points, "
            "then re-run `t2j verify SOURCE OUT`",
            EXIT_NOT_VERIFIED,
        )
    if not verify_asked:
        return Status(
            "NOT VERIFIED",
            "NOT VERIFIED: --no-verify given, so not verified — run `t2j verify SOURCE OUT` to check it",
            EXIT_VERIFIED,
        )
    return Status(
        "NOT VERIFIED",
        "NOT VERIFIED: the source defines no inputs — define get_inputs() (and "
        "get_init_inputs()) to verify a module; a training script is verified by recording its torch run",
        EXIT_NOT_VERIFIED,
    )
