"""Rank fix-store entries for a query: by the actual error first (repair mode), then by the torch APIs and idioms
the source uses (matched against entry tags), then by bm25 lexical similarity over the entries' text.

`retrieve(query, store, k)` is a pure function of its arguments; the per-store index it needs is built once and
kept on the store object (no module globals), so repeated queries cost a few milliseconds even on 10,000 entries.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from t2j.analyze.features import Features, analyze_source
from t2j.fixes.entry import ExceptionError, FixEntry, MismatchError
from t2j.retrieve.query import RetrievalQuery

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXC_NAME = re.compile(r"\b([A-Z]\w*(?:Error|Exception))\b")
_STOP = {
    "self",
    "return",
    "def",
    "class",
    "import",
    "from",
    "as",
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "is",
    "and",
    "x",
    "y",
    "jnp",
    "jax",
    "torch",
    "nn",
    "nnx",
    "rngs",
    "model",
    "module",
    "init",
    "call",
    "forward",
    "get_inputs",
    "get_init_inputs",
    "super",
    "none",
    "true",
    "false",
    "for",
    "if",
    "else",
    "with",
    "not",
    "or",
    "it",
    "on",
    "by",
    "be",
    "are",
    "this",
    "that",
    "its",
    "at",
    "f",
}

# weights of the score components
W_ERROR_MATCH = 12.0  # the entry's exception type and message regex both match the error text
W_ERROR_TYPE = 3.0  # only the exception type matches
W_CHECK = 2.0  # the failing check is the entry's mismatch check
W_REWRITE = 4.0  # the entry's mechanical rewrite applies to the failing draft
W_TAG = 1.5  # per entry tag used by the source (full name)
W_TAG_SHORT = 0.6  # per entry tag matched by its last component only (Tensor.sum ~ torch.sum)
W_BM25 = 1.0  # bm25 score, normalised to the best hit = 1 (x W_BM25)


def tokenize(text: str) -> list[str]:
    """Identifier-ish words, lower-cased, with snake_case and dotted names also split into their parts."""
    out = []
    for word in _WORD.findall(text):
        low = word.lower()
        if low not in _STOP and len(low) > 1:
            out.append(low)
        if "_" in low:
            out.extend(p for p in low.split("_") if len(p) > 1 and p not in _STOP)
    return out


def _norm_tag(tag: str) -> str:
    return tag.strip().lower()


def _short(tag: str) -> str:
    return _norm_tag(tag).rsplit(".", 1)[-1].strip("()_ ")


class RetrievalIndex:
    """Precomputed lookups over one store: bm25 over entry text, tag -> entries, exception type -> entries."""

    def __init__(self, entries: list[FixEntry]):
        import bm25s

        self.entries = entries
        self.n = len(entries)
        self.tag_full: dict[str, list[int]] = defaultdict(list)
        self.tag_short: dict[str, list[int]] = defaultdict(list)
        # exception name -> message regex -> entries (each distinct regex is searched once per query)
        self.by_exception: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.by_check: dict[str, list[int]] = defaultdict(list)
        self.rewrites: dict[str, list[int]] = defaultdict(list)  # rewrite pattern -> entries
        self.compiled: dict[str, re.Pattern] = {}
        for i, e in enumerate(entries):
            for tag in e.tags:
                self.tag_full[_norm_tag(tag)].append(i)
                self.tag_short[_short(tag)].append(i)
            if isinstance(e.error, ExceptionError):
                for name in e.error.type.split("|"):
                    self.by_exception[name.strip()][e.error.message].append(i)
                if e.error.message not in self.compiled:
                    self.compiled[e.error.message] = re.compile(e.error.message)
            elif isinstance(e.error, MismatchError):
                self.by_check[e.error.check].append(i)
            if e.rewrite is not None:
                self.rewrites[e.rewrite.pattern].append(i)
                if e.rewrite.pattern not in self.compiled:
                    self.compiled[e.rewrite.pattern] = re.compile(e.rewrite.pattern, flags=re.MULTILINE)
        self.bm25 = bm25s.BM25()
        corpus = [tokenize(_entry_text(e)) or ["_empty_"] for e in entries]
        if corpus:
            self.bm25.index(corpus, show_progress=False)
        self.vocab = set(self.bm25.vocab_dict) if corpus else set()


def _entry_text(e: FixEntry) -> str:
    # title, why and tags carry the meaning; the buggy code carries the error-prone tokens; the torch file the
    # APIs. Title and tags are repeated to weigh them up against the long code blocks.
    return "\n".join(
        [
            e.title,
            e.title,
            " ".join(e.tags),
            " ".join(e.tags),
            e.category,
            e.why,
            e.error.describe(),
            e.buggy_jax,
            e.torch,
        ]
    )


def index_for(store) -> RetrievalIndex:
    """The store's index, built on first use and kept on the store object (rebuilt if entries changed)."""
    cached = getattr(store, "_t2j_retrieval_index", None)
    entries = list(store.entries) if hasattr(store, "entries") else list(store)
    if cached is not None and cached.n == len(entries) and cached.entries[:1] == entries[:1]:
        return cached
    index = RetrievalIndex(entries)
    try:
        object.__setattr__(store, "_t2j_retrieval_index", index)
    except (AttributeError, TypeError):
        pass
    return index


def _add(scores: np.ndarray, ids: list[int], weight: float) -> None:
    if ids:
        scores[np.asarray(ids)] += weight


def _feature_terms(query: RetrievalQuery) -> Features | None:
    if query.features is not None:
        return query.features
    if query.source:
        return analyze_source(query.source)
    return None


def score_entries(query: RetrievalQuery, index: RetrievalIndex) -> np.ndarray:
    """One score per entry (higher is more relevant)."""
    scores = np.zeros(index.n, dtype=np.float64)
    if index.n == 0:
        return scores
    # 1. repair mode: the actual error first
    if query.error:
        names = set(_EXC_NAME.findall(query.error))
        for name in names:
            for message, ids in index.by_exception.get(name, {}).items():
                hit = bool(message) and index.compiled[message].search(query.error) is not None
                _add(scores, ids, W_ERROR_MATCH if hit else W_ERROR_TYPE)
    for check in query.failed_checks:
        _add(scores, index.by_check.get(check, []), W_CHECK)
    if query.draft:
        for pattern, ids in index.rewrites.items():
            if index.compiled[pattern].search(query.draft):
                _add(scores, ids, W_REWRITE)
    # 2. the torch APIs and idioms the source uses, against entry tags
    features = _feature_terms(query)
    terms: list[str] = []
    if features is not None:
        terms = features.tokens()
        seen_full: set[str] = set()
        seen_short: set[str] = set()
        for term in terms:
            full = _norm_tag(term)
            if full not in seen_full:
                seen_full.add(full)
                _add(scores, index.tag_full.get(full, []), W_TAG)
            short = _short(term)
            if short not in seen_short and short not in _STOP:
                seen_short.add(short)
                _add(scores, index.tag_short.get(short, []), W_TAG_SHORT)
    # 3. lexical similarity over the entries' text
    words = tokenize(" ".join(filter(None, [query.error, query.draft, query.source, " ".join(terms)])))
    words = [w for w in dict.fromkeys(words) if w in index.vocab]
    if words:
        lexical = index.bm25.get_scores(words)
        top = float(lexical.max())
        if top > 0:
            scores += W_BM25 * lexical / top
    return scores


def retrieve(query: RetrievalQuery, store, k: int = 5) -> list[FixEntry]:
    """The `k` entries most relevant to `query`, best first (entries with no evidence at all are left out)."""
    index = index_for(store)
    scores = score_entries(query, index)
    if index.n == 0 or k <= 0:
        return []
    k = min(k, index.n)
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [index.entries[i] for i in top if scores[i] > 0]
