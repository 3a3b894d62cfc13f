"""Benchmark `t2j synth`: distinct ratio over 10,000 candidates, verified throughput with --workers 2, and
per-category rejection counts.

    PYTHONPATH=. python benchmarks/synth_bench.py --distinct 10000 --count 200 --workers 2 --json out.json

Throughput is wall-clock verified rows per second. The machine may be shared, so the script also reports the CPU
seconds the workers spent per verified row and the load average, from which the throughput on an idle machine
with that many cores follows (cores / CPU-seconds-per-row).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from t2j.synth.categories import CATEGORIES, OP_LEVEL  # noqa: E402
from t2j.synth.engine import SynthConfig, candidate, synthesize  # noqa: E402
from t2j.synth.hashing import program_hash  # noqa: E402


def distinct_ratio(n: int, seed: int) -> dict:
    categories = list(CATEGORIES)
    seen: set[str] = set()
    dup: Counter = Counter()
    started = time.perf_counter()
    for index in range(n):
        program, _ = candidate(seed, index, categories)
        digest = program_hash(program.torch_code, program.jax_code)
        if digest in seen:
            dup[program.category] += 1
        seen.add(digest)
    return {
        "candidates": n,
        "distinct": len(seen),
        "ratio": len(seen) / n,
        "duplicates_by_category": dict(dup),
        "generation_s": time.perf_counter() - started,
    }


def verified_run(count: int, workers: int, categories: list[str], seed: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.jsonl"
        load_before = os.getloadavg()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        parent_before = resource.getrusage(resource.RUSAGE_SELF)
        report = synthesize(SynthConfig(count=count, seed=seed, workers=workers, categories=categories), out)
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        parent_after = resource.getrusage(resource.RUSAGE_SELF)
        load_after = os.getloadavg()
        size = out.stat().st_size
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    parent_cpu = (parent_after.ru_utime - parent_before.ru_utime) + (parent_after.ru_stime - parent_before.ru_stime)
    return {
        "count": count,
        "workers": workers,
        "categories": categories,
        "wall_s": report.elapsed_s,
        "verified_per_s": report.samples_per_s,
        "worker_cpu_s": cpu,
        "cpu_s_per_row": cpu / max(report.written, 1),
        "parent_cpu_s": parent_cpu,
        "parent_cpu_s_per_row": parent_cpu / max(report.written, 1),
        "idle_estimate_per_s": workers / (cpu / max(report.written, 1)) if cpu else None,
        "load_avg_before": load_before[0],
        "load_avg_after": load_after[0],
        "bytes_per_row": size / max(report.written, 1),
        "candidates": report.candidates,
        "distinct_ratio": report.distinct_ratio,
        "per_category": {k: v.model_dump() for k, v in report.per_category.items()},
        "table": report.table(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--distinct", type=int, default=10000)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--all-categories", action="store_true", help="verified run over all 17 categories (default: the op-level ones)"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = {}
    if args.distinct:
        results["distinct"] = distinct_ratio(args.distinct, args.seed)
        d = results["distinct"]
        print(
            f"distinct: {d['distinct']}/{d['candidates']} = {d['ratio']:.4f} "
            f"(generation {d['generation_s']:.1f} s); duplicates by category: {d['duplicates_by_category']}"
        )
    if args.count:
        categories = list(CATEGORIES) if args.all_categories else OP_LEVEL
        run = verified_run(args.count, args.workers, categories, args.seed)
        results["verified"] = run
        print(run["table"])
        print(
            f"{args.count} verified rows, {args.workers} workers: {run['verified_per_s']:.2f} rows/s wall "
            f"({run['wall_s']:.1f} s), {run['cpu_s_per_row']:.3f} worker CPU-s per row "
            f"(+ {run['parent_cpu_s_per_row']:.3f} in the parent) -> "
            f"{run['idle_estimate_per_s']:.1f} rows/s on {args.workers} idle cores; load average "
            f"{run['load_avg_before']:.1f} -> {run['load_avg_after']:.1f}; {run['bytes_per_row'] / 1024:.1f} KiB/row"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
