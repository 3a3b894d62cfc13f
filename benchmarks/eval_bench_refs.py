"""Verify every reference solution of benchmarks/eval_bench against its PyTorch problem and print a table:
forward/backward verdicts and the speed ratio (torch eager time / jitted JAX time), with the geometric mean.

    PYTHONPATH=. python benchmarks/eval_bench_refs.py [--only 01_gelu_variants ...]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from t2j.verify.api import verify_files

BENCH = Path(__file__).resolve().parent / "eval_bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="problem folder names to run (default: all)")
    args = parser.parse_args(argv)
    problems = sorted(p for p in BENCH.iterdir() if p.is_dir() and (p / "jax_ref.py").is_file())
    if args.only:
        problems = [p for p in problems if p.name in set(args.only)]
    rows, ratios, failures = [], [], []
    print(f"{'problem':34} {'fwd':>4} {'bwd':>4} {'ratio':>8} {'wall s':>7}")
    for problem in problems:
        start = time.perf_counter()
        result = verify_files(problem / "torch.py", problem / "jax_ref.py")
        wall = time.perf_counter() - start
        ratio = result.speed_ratio
        if ratio:
            ratios.append(ratio)
        if not result.ok:
            failures.append((problem.name, result.summary()))
        rows.append(problem.name)
        ratio_text = f"{ratio:.2f}" if ratio else "-"
        print(
            f"{problem.name:34} {'ok' if result.forward_ok else 'FAIL':>4} "
            f"{'ok' if result.backward_ok else 'FAIL':>4} {ratio_text:>8} {wall:7.1f}",
            flush=True,
        )
    passed = len(rows) - len(failures)
    print(f"\nverified forward and backward: {passed}/{len(rows)}")
    if ratios:
        geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        slower = sum(r < 1 for r in ratios)
        print(f"speed ratio (torch eager / JAX jit): geometric mean {geomean:.2f}x; JAX slower on {slower}")
    for name, summary in failures:
        print(f"FAILED {name}: {summary}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
