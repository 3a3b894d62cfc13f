"""Which fix entries a prompt carries: the retriever the pipeline talks to.

The pipeline needs two questions answered: entries relevant to a source (first draft), and entries that explain
an actual failure (repair). `default_retriever` answers them with `t2j.retrieve` (lexical + API ranking over the
fix store) when it is installed; otherwise with `SignatureRetriever`, which keeps only entries whose recorded
error matches the verifier's report (the fix store's own `matches`) and ranks them by the torch APIs they share
with the source.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol

log = logging.getLogger("t2j.repair")


class FixRetriever(Protocol):
    def for_source(self, source: str, k: int) -> list[Any]: ...

    def for_error(self, source: str, draft: str, verification: Any, k: int) -> list[Any]: ...


def _tag_hits(entry: Any, text: str) -> int:
    hits = 0
    for tag in getattr(entry, "tags", []) or []:
        name = str(tag).split(".")[-1].strip("()")
        if name and re.search(rf"\b{re.escape(name)}\b", text):
            hits += 1
    return hits


class SignatureRetriever:
    """Entries ranked by shared torch APIs (source) and by matching error signature (repair)."""

    def __init__(self, entries: list[Any]):
        self.entries = list(entries)

    def for_source(self, source: str, k: int) -> list[Any]:
        scored = [(_tag_hits(e, source), i, e) for i, e in enumerate(self.entries)]
        return [e for hits, _, e in sorted(scored, key=lambda t: (-t[0], t[1])) if hits > 0][:k]

    def for_error(self, source: str, draft: str, verification: Any, k: int) -> list[Any]:
        if verification is None or isinstance(verification, str):
            return self.for_source(source, k)
        from t2j.fixes.check import matches

        scored = []
        for i, entry in enumerate(self.entries):
            try:
                matched, _ = matches(entry.error, verification)
            except Exception:  # an entry the matcher cannot read is simply not relevant here
                matched = False
            if not matched:
                continue
            rewrite = getattr(entry, "rewrite", None)
            applies = bool(rewrite is not None and draft and rewrite.apply(draft) is not None)
            in_draft = _tag_hits(entry, draft or "")
            scored.append((-(4 * applies + 2 * _tag_hits(entry, source) + in_draft), i, entry))
        ranked = sorted(scored, key=lambda t: (t[0], t[1]))
        related = [e for score, _, e in ranked if score < 0]  # shares an API with the code, or its rewrite applies
        return (related or [e for *_, e in ranked])[:k]


def default_retriever(settings: Any = None) -> FixRetriever | None:
    """The retriever over the installed fix store, or None when the store cannot be loaded."""
    try:
        from t2j.fixes.store import load_store

        store = load_store()
    except Exception as exc:  # no store: prompts go without fixes, the pipeline still runs
        log.warning("fix store not loaded (%s); prompts carry no fixes", exc)
        return None
    return SignatureRetriever(list(store.entries))
