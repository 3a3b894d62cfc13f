"""Translate every corpus training script with the rules backend and verify it by training: per-step losses
and final weights of the JAX run against the torch run, from the same initial weights on the same data
(t2j.verify.training, sandboxed subprocesses).

    PYTHONPATH=. python benchmarks/train_bench.py [FILES...] [--json OUT.json]

Prints one row per script, then the number verified, the median translation time and the worst errors.
"""

from __future__ import annotations

import argparse
import glob
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_one(path: Path, folder: Path) -> dict:
    from t2j.rules import translate_rules
    from t2j.verify.training import verify_training_files

    start = time.perf_counter()
    result = translate_rules(path.read_text())
    translate_ms = (time.perf_counter() - start) * 1e3
    out = folder / f"{path.stem}_jax.py"
    out.write_text(result.code)
    start = time.perf_counter()
    verdict = verify_training_files(path, out)
    row = {
        "file": path.name,
        "translate_ms": translate_ms,
        "verify_s": time.perf_counter() - start,
        "markers": sum("not translated" in d.message for d in result.diagnostics),
        "ok": verdict.ok,
        "jitted_steps": result.code.count("@nnx.jit"),
        "summary": verdict.summary(),
        "notes": verdict.notes,
    }
    if verdict.error is None:
        losses, weights = verdict.check("losses"), verdict.check("final_weights")
        row.update(
            steps=len(losses.tensors),
            loss_max_abs=losses.max_abs_err,
            loss_max_rel=max((t.max_rel_err for t in losses.tensors), default=0.0),
            weights_max_abs=weights.max_abs_err,
            floor_only=sum(
                1
                for c in verdict.checks
                for t in c.tensors
                if t.ok and t.noise_floor is not None and t.max_abs_err > 0 and t.limit == 4.0 * t.noise_floor
            ),
        )
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    files = [Path(f) for f in args.files] or sorted(
        Path(f) for f in glob.glob(str(ROOT / "benchmarks/corpus/train/t*.py"))
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="t2j-train-bench-") as tmp:
        for path in files:
            row = run_one(path, Path(tmp))
            rows.append(row)
            extra = (
                (
                    f"steps {row['steps']:3d}  loss err {row['loss_max_abs']:.1e} (rel {row['loss_max_rel']:.1e})  "
                    f"weights err {row['weights_max_abs']:.1e}  floor-only {row['floor_only']}"
                )
                if "steps" in row
                else row["summary"]
            )
            print(
                f"{'VERIFIED' if row['ok'] else 'FAILED  '} {path.stem:36s} {row['translate_ms']:6.1f} ms  "
                f"verify {row['verify_s']:5.1f} s  jit steps {row['jitted_steps']}  {extra}",
                flush=True,
            )
    ok = sum(r["ok"] for r in rows)
    print(
        f"\n{ok}/{len(rows)} training scripts verified (losses of every step and final weights); "
        f"median translation {statistics.median(r['translate_ms'] for r in rows):.1f} ms; "
        f"median verification {statistics.median(r['verify_s'] for r in rows):.1f} s; "
        f"markers left {sum(r['markers'] for r in rows)}"
    )
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
