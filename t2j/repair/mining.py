"""Record a repair that worked: a failing draft and the verified code become an unreviewed `mined` fix entry.

The fix store may provide `t2j.fixes.record_mined(...)`; when it does not, the entry is built here with the
store's own schema (`FixEntry`) and writer (`save_entry`), with the real error from the verifier.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any

log = logging.getLogger("t2j.repair")


def error_spec(verification: Any) -> dict | None:
    """The verifier's failure as a fix-entry `error`: an exception (type + message) or a failed check."""
    if verification is None or getattr(verification, "ok", False):
        return None
    if verification.error:
        from t2j.fixes.check import exception_line

        line = exception_line(verification.error)
        match = re.match(r"^(?:[\w.]+\.)?(\w+(?:Error|Exception))\b:?\s*(.*)$", line)
        if not match:
            return None
        message = match.group(2).strip()[:80]
        return {"kind": "exception", "type": match.group(1), "message": re.escape(message) if message else ""}
    failed = [c for c in verification.checks if not c.ok and not c.skipped]
    if not failed:
        return None
    check = failed[0]
    worst = max(check.tensors, key=lambda t: (not t.ok, t.max_abs_err), default=None)
    note = ""
    if worst is not None:
        note = worst.problem or f"{worst.name}: max abs {worst.max_abs_err:.2g}"
    return {"kind": "mismatch", "check": check.name, "note": note[:200]}


_WORD = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d+)?")


def _diff_words(buggy: str, fixed: str) -> set[str]:
    from t2j.prompts.fixes_text import changed_region

    before, after = changed_region(buggy, fixed, context=0)
    return set(_WORD.findall(before)) ^ set(_WORD.findall(after)) or set(_WORD.findall(before + after))


def closest_category(buggy: str, fixed: str, fixes: list[Any]) -> str | None:
    """The category of the retrieved entry whose own buggy->fixed change looks most like this repair's."""
    ours = _diff_words(buggy, fixed)
    best, best_score = None, -1.0
    for entry in fixes:
        category = getattr(entry, "category", None)
        if not category:
            continue
        theirs = _diff_words(getattr(entry, "buggy_jax", ""), getattr(entry, "fixed_jax", ""))
        score = len(ours & theirs) / max(len(ours | theirs), 1)
        if score > best_score:
            best, best_score = category, score
    return best


def record_mined_fix(source: str, buggy: str, fixed: str, verification: Any, fixes: list[Any],
                     entry: str | None = None, store: str | Path | None = None) -> str | None:
    """Save the repair as a `mined` candidate; return its id (None when it cannot be expressed as an entry)."""
    try:
        from t2j.fixes import record_mined  # the fix store's own recorder, when it has one
    except ImportError:
        record_mined = None
    if record_mined is not None:
        saved = record_mined(torch=source, buggy=buggy, fixed=fixed, verification=verification,
                             entry=entry or "Model")
        return getattr(saved, "id", None) or (str(saved) if saved else None)

    from t2j.fixes.entry import FixEntry
    from t2j.fixes.store import save_entry, user_store_dir

    spec = error_spec(verification)
    category = closest_category(buggy, fixed, fixes)
    if spec is None or category is None:
        log.info("repair not recorded as a fix: %s", "no error to record" if spec is None else "no category")
        return None
    digest = hashlib.sha256((buggy + "\0" + fixed).encode()).hexdigest()[:10]
    described = spec.get("type") or f"{spec.get('check')} mismatch"
    tags = sorted({t for f in fixes for t in (getattr(f, "tags", None) or [])})[:8]
    candidate = FixEntry(
        id=f"mined-{digest}",
        title=f"LLM repair of a draft failing with {described}",
        category=category,
        why=("Mined from an LLM repair round: the draft failed verification "
             f"({spec.get('message') or spec.get('note') or described}) and the repaired code verified. "
             "Unreviewed: check the diff and write the reason before marking it reviewed."),
        torch=source,
        buggy_jax=buggy,
        error=spec,
        fixed_jax=fixed,
        tags=tags,
        provenance="mined",
        reviewed=False,
        entry=entry or "Model",
    )
    folder = user_store_dir(store)
    target = folder / "mined" / f"{candidate.id}.yaml"
    if target.exists():
        return candidate.id  # the same repair was recorded before
    save_entry(candidate, folder)
    return candidate.id
