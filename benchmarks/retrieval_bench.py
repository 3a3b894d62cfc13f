"""Retrieval quality and speed for the fix store.

Quality: every labelled query in benchmarks/retrieval_labels.jsonl (a torch source to translate, or a repair-round
error / failing check / draft) against the shipped store: recall@5 (share of the relevant entries found in the top
5, capped at 5 relevant), hit@5 (a relevant entry in the top 5) and MRR (1 / rank of the first relevant entry).
Speed: the same queries against a synthetic 10,000-entry store (the shipped entries cloned with perturbed ids,
titles and tags), after building its index once.

    PYTHONPATH=. python benchmarks/retrieval_bench.py [--size 10000] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from t2j.fixes.store import FixStore, load_store  # noqa: E402
from t2j.retrieve.query import RetrievalQuery  # noqa: E402
from t2j.retrieve.retrieve import index_for, retrieve  # noqa: E402

LABELS = Path(__file__).with_name("retrieval_labels.jsonl")


def load_labels(path: Path = LABELS) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def to_query(item: dict) -> RetrievalQuery:
    return RetrievalQuery(
        source=item.get("source"),
        error=item.get("error"),
        failed_checks=item.get("failed_checks", []),
        draft=item.get("draft"),
    )


def evaluate(store, labels: list[dict], k: int = 5) -> dict:
    recalls, hits, rrs, misses = [], [], [], []
    for item in labels:
        ranked = [e.id for e in retrieve(to_query(item), store, k=k)]
        relevant = set(item["relevant"])
        found = len(relevant & set(ranked))
        recalls.append(found / min(len(relevant), k))
        hits.append(1.0 if found else 0.0)
        rank = next((i + 1 for i, eid in enumerate(ranked) if eid in relevant), None)
        rrs.append(1.0 / rank if rank else 0.0)
        if not found:
            misses.append({"id": item["id"], "relevant": item["relevant"], "got": ranked})
    return {
        "queries": len(labels),
        f"recall@{k}": statistics.mean(recalls),
        f"hit@{k}": statistics.mean(hits),
        "mrr": statistics.mean(rrs),
        "misses": misses,
    }


def synthetic_store(base, size: int, seed: int = 0) -> FixStore:
    rng = random.Random(seed)
    words = sorted({w for e in base.entries for w in e.title.split()} | {t for e in base.entries for t in e.tags})
    entries = list(base.entries)
    i = 0
    while len(entries) < size:
        src = base.entries[i % len(base.entries)]
        i += 1
        clone = src.model_copy(
            update={
                "id": f"{src.id}-syn{i}",
                "title": " ".join(rng.sample(words, 6)),
                "tags": rng.sample(words, 3),
                "provenance": "mined",
                "reviewed": False,
            }
        )
        entries.append(clone)
    return FixStore(entries=entries)


def latency(store, labels: list[dict], repeats: int = 3) -> dict:
    start = time.perf_counter()
    index_for(store)
    build_s = time.perf_counter() - start
    queries = [to_query(item) for item in labels]
    for q in queries[:5]:
        retrieve(q, store)  # warm-up
    times = []
    for _ in range(repeats):
        for q in queries:
            t = time.perf_counter()
            retrieve(q, store)
            times.append(time.perf_counter() - t)
    times.sort()
    return {
        "entries": len(store.entries),
        "index_build_s": build_s,
        "mean_ms": 1e3 * statistics.mean(times),
        "median_ms": 1e3 * statistics.median(times),
        "p95_ms": 1e3 * times[int(0.95 * (len(times) - 1))],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="entries in the synthetic latency store")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    store = load_store()
    labels = load_labels()
    quality = evaluate(store, labels)
    speed = latency(synthetic_store(store, args.size), labels)
    if args.json:
        print(json.dumps({"store": len(store.entries), "quality": quality, "latency": speed}, indent=1))
        return 0
    n_source = sum(1 for q in labels if q.get("mode") == "source")
    print(
        f"store: {len(store.entries)} entries; labelled queries: {len(labels)} "
        f"({n_source} source, {len(labels) - n_source} repair)"
    )
    print(f"recall@5 {quality['recall@5']:.3f}  hit@5 {quality['hit@5']:.3f}  MRR {quality['mrr']:.3f}")
    for miss in quality["misses"]:
        print(f"  miss {miss['id']}: want {miss['relevant']} got {miss['got']}")
    print(
        f"latency on {speed['entries']} entries: mean {speed['mean_ms']:.2f} ms, median {speed['median_ms']:.2f} ms, "
        f"p95 {speed['p95_ms']:.2f} ms per query (index built in {speed['index_build_s']:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
