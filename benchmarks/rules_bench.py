"""Translate every corpus problem with the rules backend and verify it (in-process, live objects).

    PYTHONPATH=. python benchmarks/rules_bench.py [FILES...] [--json OUT.json]

Prints, per file, the verdict; then the pass rates (forward and backward separately), the median
translation time, and the geometric mean of torch-eager time / jitted-JAX time.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import statistics
import sys
import time
import traceback
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_one(path: Path) -> dict:
    import torch

    from t2j.rules import translate_rules
    from t2j.verify.api import verify

    source = path.read_text()
    start = time.perf_counter()
    result = translate_rules(source)
    seconds = time.perf_counter() - start
    row = {
        "file": path.name,
        "translate_ms": seconds * 1e3,
        "diagnostics": len(result.diagnostics),
        "ok": False,
        "forward_ok": False,
        "backward_ok": False,
        "speed_ratio": None,
        "error": None,
    }
    try:
        torch_side = types.ModuleType("torch_side")
        exec(compile(source, str(path), "exec"), torch_side.__dict__)
        jax_side = types.ModuleType("jax_side")
        exec(compile(result.code, f"{path.stem}_jax.py", "exec"), jax_side.__dict__)
        torch.manual_seed(0)
        init = torch_side.get_init_inputs() if hasattr(torch_side, "get_init_inputs") else []
        torch.manual_seed(0)
        inputs = torch_side.get_inputs()
        v = verify(torch_side.Model, jax_side.Model, inputs=inputs, init_inputs=init)
        row.update(
            ok=v.ok,
            forward_ok=v.forward_ok,
            backward_ok=v.backward_ok,
            speed_ratio=v.speed_ratio,
            error=None if v.ok else v.summary(),
        )
    except Exception:  # noqa: BLE001 - a crash of the translation is a failed row
        row["error"] = traceback.format_exc()[-400:]
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    files = [Path(f) for f in args.files] or [Path(f) for f in sorted(glob.glob(str(ROOT / "benchmarks/corpus/*.py")))]
    rows = []
    for f in files:
        row = run_one(f)
        rows.append(row)
        print(
            f"{row['file']}: {'VERIFIED' if row['ok'] else 'NOT VERIFIED'} ({row['translate_ms']:.1f} ms)"
            + (f" {row['error'][:200]!r}" if row["error"] else ""),
            flush=True,
        )
    n = len(rows)
    fwd = sum(r["forward_ok"] for r in rows)
    bwd = sum(r["backward_ok"] for r in rows)
    both = sum(r["ok"] for r in rows)
    ratios = [r["speed_ratio"] for r in rows if r["speed_ratio"]]
    geo = math.exp(sum(math.log(x) for x in ratios) / len(ratios)) if ratios else float("nan")
    print(
        f"\nfiles {n}: verified {both}/{n}, forward {fwd}/{n}, backward {bwd}/{n}; "
        f"median translation {statistics.median(r['translate_ms'] for r in rows):.1f} ms; "
        f"geomean torch-eager/jax-jit {geo:.2f}x"
    )
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
