"""Warm verification time of one pair under two checkouts of t2j, interleaved run by run (a noisy machine).

    python benchmarks/verify_ab.py BEFORE_TREE AFTER_TREE [--rounds 3] [--calls 5]

Each round starts one process per tree, in turn (before, after); a process verifies examples/mlp.py against
examples/mlp_jax.py once to warm its sandbox servers, then `--calls` times, and reports the median of those.
Prints each round's medians, the median ratio after/before and the load average around the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = """
import json, statistics, sys, time
from t2j.verify.api import verify_files
ref, out, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
assert verify_files(ref, out).ok
times = []
for _ in range(calls):
    start = time.perf_counter()
    assert verify_files(ref, out).ok
    times.append(time.perf_counter() - start)
print(json.dumps({"median": statistics.median(times), "times": times}))
"""


def _run(tree: str, calls: int) -> float:
    env = dict(os.environ, PYTHONPATH=tree)
    ref, out = os.path.join(tree, "examples", "mlp.py"), os.path.join(tree, "examples", "mlp_jax.py")
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, ref, out, str(calls)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])["median"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=5)
    args = parser.parse_args()
    load_before = os.getloadavg()
    medians: dict[str, list[float]] = {"before": [], "after": []}
    for round_number in range(args.rounds):
        for name in ("before", "after"):
            medians[name].append(_run(getattr(args, name), args.calls))
        print(f"round {round_number}: before {medians['before'][-1]:.2f} s, after {medians['after'][-1]:.2f} s")
    ratios = [a / b for a, b in zip(medians["after"], medians["before"])]
    print(
        f"median warm verification: before {statistics.median(medians['before']):.2f} s, "
        f"after {statistics.median(medians['after']):.2f} s; ratio after/before {statistics.median(ratios):.2f} "
        f"(per round {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(f"load average (1/5/15 min) before the runs {load_before}, after {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
