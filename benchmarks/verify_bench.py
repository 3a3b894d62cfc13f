"""Median verification time per example, and the verdicts, over examples/pairs (correct) and examples/wrong (traps).

    python benchmarks/verify_bench.py [--cold]

Prints a markdown table for BENCHMARKS.md. The first verification starts the warm sandbox interpreters and is
reported separately; `--cold` starts a fresh interpreter per side instead (what every run would cost without the
fork server).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from t2j.settings import Settings  # noqa: E402
from t2j.verify.api import verify_files  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", action="store_true", help="no warm fork server (fresh interpreters)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N examples of each kind")
    args = parser.parse_args()
    settings = Settings(warm_sandbox=not args.cold)
    rows = []
    for kind in ("pairs", "wrong"):
        folders = sorted(p for p in (ROOT / "examples" / kind).iterdir() if (p / "torch.py").exists())
        if args.limit:
            folders = folders[: args.limit]
        for folder in folders:
            start = time.perf_counter()
            result = verify_files(folder / "torch.py", folder / "jax.py", settings=settings)
            rows.append((kind, folder.name, time.perf_counter() - start, result))
    first, rest = rows[0], rows[1:]
    times = [r[2] for r in rest]
    correct = [r for r in rows if r[0] == "pairs"]
    wrong = [r for r in rows if r[0] == "wrong"]
    print(
        f"examples: {len(correct)} correct pairs, {len(wrong)} wrong translations "
        f"({'cold interpreters' if args.cold else 'warm fork server'})"
    )
    print(f"correct pairs verified: {sum(r[3].ok for r in correct)}/{len(correct)}")
    print(f"wrong translations rejected: {sum(not r[3].ok for r in wrong)}/{len(wrong)}")
    print(f"first verification (starts the sandbox interpreters): {first[2]:.2f} s")
    print(
        f"median verification time per example: {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"
    )
    ratios = [r[3].speed_ratio for r in correct if r[3].ok and r[3].speed_ratio]
    if ratios:
        geo = statistics.geometric_mean(ratios)
        print(f"geometric-mean speed ratio torch-eager/jax-jit over verified pairs: {geo:.2f}x")
    print()
    print("| kind | example | verdict | seconds | worst check |")
    print("|---|---|---|---|---|")
    for kind, name, seconds, result in rows:
        failing = [c.name for c in result.checks if not c.ok] or ([result.failed_stage] if result.error else [])
        print(
            f"| {kind} | {name} | {'verified' if result.ok else 'rejected'} | {seconds:.2f} | "
            f"{', '.join(failing) or '-'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
