"""Which fix entries a prompt carries: the pipeline's view of `t2j.retrieve`.

The pipeline asks two questions: entries relevant to a source (first draft), and entries that explain an actual
failure (repair: the verifier's error and failing checks first, then the APIs the source uses, then lexical
similarity; entries whose mechanical rewrite applies to the draft rank up). Any object with these two methods can
be passed as `retriever=` (the evaluation passes one that returns nothing, for its no-augmentation ablation).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

log = logging.getLogger("t2j.repair")


class FixRetriever(Protocol):
    def for_source(self, source: str, k: int) -> list[Any]: ...

    def for_error(self, source: str, draft: str, verification: Any, k: int) -> list[Any]: ...


class StoreRetriever:
    """`t2j.retrieve.retrieve` over one loaded fix store."""

    def __init__(self, store: Any):
        self.store = store

    def for_source(self, source: str, k: int) -> list[Any]:
        from t2j.retrieve.query import RetrievalQuery
        from t2j.retrieve.retrieve import retrieve

        return retrieve(RetrievalQuery(source=source), self.store, k)

    def for_error(self, source: str, draft: str, verification: Any, k: int) -> list[Any]:
        """Entries for the failure; `verification` is a `Verification`, or text (e.g. no code in the reply)."""
        from t2j.retrieve.query import RetrievalQuery
        from t2j.retrieve.retrieve import retrieve

        if verification is None or isinstance(verification, str):
            # nothing ran: there is no error to match, only the source (and the draft, if any)
            query = RetrievalQuery(source=source, draft=draft or None)
        else:
            query = RetrievalQuery.from_verification(source, draft or None, verification)
        return retrieve(query, self.store, k)


def default_retriever(settings: Any = None) -> FixRetriever | None:
    """The retriever over the installed fix store (+ $T2J_FIX_STORE), or None when the store cannot be loaded."""
    try:
        from t2j.fixes.store import load_store

        store = load_store()
    except Exception as exc:  # noqa: BLE001 - no store: prompts go without fixes, the pipeline still runs
        log.warning("fix store not loaded (%s); prompts carry no fixes", exc)
        return None
    return StoreRetriever(store)
