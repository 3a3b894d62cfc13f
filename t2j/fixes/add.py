"""Grow the store: add a human repair (`t2j fixes add`) or a repair the LLM loop proved (`add_mined_fix`)."""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path

from t2j.analyze.features import analyze_source
from t2j.errors import BadInput
from t2j.fixes.check import failing_checks
from t2j.verify.report import last_error_line
from t2j.fixes.entry import CATEGORIES, ExceptionError, FixEntry, MismatchError
from t2j.fixes.store import save_entry, user_store_dir

_EXC = re.compile(r"^(?:[\w.]+\.)?(\w*(?:Error|Exception))\b:?\s*(.*)$")


def error_spec_from(verification) -> ExceptionError | MismatchError:
    """The ErrorSpec describing how a failed Verification failed (exception, else first failing check)."""
    if verification.ok:
        raise BadInput("the buggy code verifies: there is no mistake to record (check the --buggy file)")
    if verification.error:
        line = last_error_line(verification.error)
        match = _EXC.match(line)
        if match:
            exc_type, message = match.group(1), match.group(2).strip()
            # a literal, line-specific message would overfit: keep its first words, escaped
            words = re.escape(" ".join(message.split()[:8]))[:120]
            return ExceptionError(type=exc_type, message=words)
        return ExceptionError(type="Error", message=re.escape(line[:80]))
    failing = failing_checks(verification)
    check = next((c for c in ("forward_eval", "backward", "running_stats", "forward_train") if c in failing), None)
    if check is None:
        raise BadInput("the verifier reported no failing check and no error for the buggy code")
    worst = max(
        (t for c in verification.checks if c.name == check for t in c.tensors if not t.ok),
        key=lambda t: t.max_abs_err,
        default=None,
    )
    note = f"{worst.name}: max abs err {worst.max_abs_err:.3g}" if worst is not None else ""
    return MismatchError(check=check, note=note)


_WORDS = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d+)?")


def changed_words(before: str, after: str) -> set[str]:
    """The words on the lines a repair changed (both sides)."""
    a, b = before.splitlines(), after.splitlines()
    words: set[str] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag != "equal":
            words |= set(_WORDS.findall("\n".join(a[i1:i2] + b[j1:j2])))
    return words


def _guess_category(torch_code: str, buggy_code: str, fixed_code: str, verification) -> str:
    """Among the shipped entries retrieval ranks for this failure, the category of the one whose own
    buggy->fixed change looks most like this repair (first-ranked on ties)."""
    try:
        from t2j.fixes.store import load_store
        from t2j.retrieve.query import RetrievalQuery
        from t2j.retrieve.retrieve import retrieve

        query = RetrievalQuery.from_verification(torch_code, buggy_code, verification)
        candidates = retrieve(query, load_store(), k=8)
    except Exception:  # noqa: BLE001 - a store that cannot be read must not stop recording
        return "math"
    if not candidates:
        return "math"
    ours = changed_words(buggy_code, fixed_code)

    def similarity(entry) -> float:
        theirs = changed_words(entry.buggy_jax, entry.fixed_jax)
        return len(ours & theirs) / max(len(ours | theirs), 1)

    best = max(candidates, key=similarity)  # max keeps the first (best-ranked) among equals
    return best.category


def _new_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha1("\x00".join(parts).encode()).hexdigest()[:10]
    return f"{prefix}-{digest}"


def build_entry(
    torch_code: str,
    buggy_code: str,
    fixed_code: str,
    buggy_verification,
    provenance: str,
    entry_id: str | None = None,
    title: str | None = None,
    category: str | None = None,
    why: str | None = None,
    entry: str = "Model",
) -> FixEntry:
    spec = error_spec_from(buggy_verification)
    feats = analyze_source(torch_code)
    category = category or _guess_category(torch_code, buggy_code, fixed_code, buggy_verification)
    if category not in CATEGORIES:
        raise BadInput(f"unknown category {category!r}; use one of {', '.join(CATEGORIES)}")
    return FixEntry(
        id=entry_id or _new_id(provenance, torch_code, buggy_code, fixed_code),
        title=title or f"{provenance} repair: {spec.describe()[:80]}",
        category=category,
        why=why or f"Recorded from a {provenance} repair; the buggy draft failed with {spec.describe()}.",
        torch=torch_code,
        buggy_jax=buggy_code,
        error=spec,
        fixed_jax=fixed_code,
        tags=(feats.layers + feats.apis)[:12],
        provenance=provenance,
        reviewed=False,
        entry=entry,
    )


def add_mined_fix(
    torch_code: str,
    buggy_code: str,
    fixed_code: str,
    verification_error,
    store: str | Path | None = None,
    entry: str = "Model",
    category: str | None = None,
) -> FixEntry:
    """Save a repair the loop proved (buggy draft failed, fixed draft verified) as an unreviewed `mined` entry.

    `verification_error` is the buggy draft's failed Verification (the real error, not a paraphrase). The entry
    (used by the LLM repair loop, t2j/repair/pipeline.py) is written under
    `<store>/mined/` (store: argument, else $T2J_FIX_STORE, else ~/.local/share/t2j/fixes); an identical repair
    already recorded is returned as is.
    """
    if not (torch_code and buggy_code and fixed_code) or verification_error is None:
        raise BadInput(
            "add_mined_fix needs the torch code, the buggy and fixed drafts, and the buggy draft's Verification"
        )
    fix = build_entry(torch_code, buggy_code, fixed_code, verification_error, "mined", category=category, entry=entry)
    folder = user_store_dir(store)
    existing = folder / "mined" / f"{fix.id}.yaml"
    if not existing.exists():
        save_entry(fix, folder)
    return fix


def add_user_fix(
    torch_path: Path,
    buggy_path: Path,
    fixed_path: Path,
    store: str | Path | None = None,
    entry_id: str | None = None,
    title: str | None = None,
    category: str | None = None,
    why: str | None = None,
    settings=None,
    verifier=None,
) -> tuple[FixEntry, Path]:
    """`t2j fixes add`: run the buggy code to get its real error, require the fixed code to verify, save."""
    from t2j.source import read_source

    torch_code = read_source(torch_path, "--torch file")
    buggy_code = read_source(buggy_path, "--buggy file")
    fixed_code = read_source(fixed_path, "--fixed file")
    if verifier is None:
        from t2j.verify.api import verify_sources as verifier
    fixed = verifier(torch_code, fixed_code, settings=settings)
    if not fixed.ok:
        line = last_error_line(fixed.error) if fixed.error else fixed.summary()
        raise BadInput(f"the --fixed file does not verify against --torch ({line}); fix it before recording")
    buggy = verifier(torch_code, buggy_code, settings=settings)
    fix = build_entry(
        torch_code, buggy_code, fixed_code, buggy, "user", entry_id=entry_id, title=title, category=category, why=why
    )
    path = save_entry(fix, user_store_dir(store))
    return fix, path
