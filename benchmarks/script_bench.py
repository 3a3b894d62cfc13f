"""Training scripts as people write them (benchmarks/corpus/scripts/, no make_models convention): translate
each with the rules backend, run the JAX script end to end (sandboxed, time-limited), and check it with the
recording checker (t2j.verify.recording: the torch run recorded, module classes verified with the recorded
arguments, the train step replayed on the recorded batches) when that checker is available.

    PYTHONPATH=. python benchmarks/script_bench.py [FILES...] [--timeout S] [--max-steps N] [--workers N]
        [--json OUT.json]

One row per script, then: translated, incomplete (a `# t2j: not translated` mark left), ran end to end,
modules verified, train step verified, and "ran but not verified" (the case the issue calls the worst).
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_end_to_end(code: str, timeout_s: float) -> dict:
    """Run the translated script as `__main__` in a fresh sandbox (t2j.verify.sandbox.run_command)."""
    from t2j.verify.recording import last_exception
    from t2j.verify.sandbox import Limits, run_command

    start = time.perf_counter()
    result, _ = run_command(
        [sys.executable, "script_jax.py"], Limits(timeout_s=timeout_s), stdin_files={"script_jax.py": code.encode()}
    )
    seconds = time.perf_counter() - start
    if not result.ok and result.reason:
        return {"ran": False, "run_s": seconds, "error": result.how()}
    error = None if result.ok else (last_exception(result.tail(40)) or result.how())
    return {"ran": result.ok, "run_s": seconds, "error": error}


def record_check(path: Path, code: str, max_steps: int, timeout_s: float) -> dict:
    """The recording checker's verdict, or {"checker": None} when this version of t2j has none."""
    try:
        from t2j.verify.recording import verify_script
    except ImportError:
        return {"checker": None}
    report = verify_script(path, code, max_steps=max_steps, timeout_s=timeout_s)
    return {"checker": report.model_dump(mode="json")}


def run_one(path: Path, timeout_s: float, max_steps: int) -> dict:
    from t2j.rules import translate_rules

    row: dict = {"file": path.name}
    start = time.perf_counter()
    try:
        result = translate_rules(path.read_text())
    except Exception as exc:  # noqa: BLE001 -- a translator crash is a row of the table, not the end of the run
        row.update(translated=False, error=f"translator raised {type(exc).__name__}: {exc}")
        return row
    row.update(
        translated=True,
        translate_ms=(time.perf_counter() - start) * 1e3,
        markers=[f"line {d.line}: {d.message}" for d in result.diagnostics if "not translated" in d.message],
    )
    row.update(run_end_to_end(result.code, timeout_s))
    row.update(record_check(path, result.code, max_steps, timeout_s))
    return row


def _status(row: dict) -> str:
    if not row.get("translated"):
        return "CRASH"
    checker = row.get("checker")
    if checker and checker.get("step_verified"):
        return "VERIFIED"
    if row["markers"]:
        return "INCOMPLETE"
    return "RAN" if row["ran"] else "FAILED"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per sandboxed run")
    parser.add_argument("--max-steps", type=int, default=5, help="optimizer steps the checker records")
    parser.add_argument("--workers", type=int, default=1, help="scripts checked at once")
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    files = [Path(f) for f in args.files] or sorted(
        Path(f) for f in glob.glob(str(ROOT / "benchmarks/corpus/scripts/s[0-9][0-9]_*.py"))
    )
    rows = []
    with ThreadPoolExecutor(max_workers=args.workers) as pool:  # the work runs in sandboxed subprocesses
        futures = {pool.submit(run_one, path, args.timeout, args.max_steps): path for path in files}
        for count, future in enumerate(as_completed(futures), 1):  # progress on stderr, the table in file order
            row = future.result()
            checker = row.get("checker") or {}
            print(
                f"[{count}/{len(files)}] {futures[future].stem}: {_status(row)} ran={bool(row.get('ran'))} "
                f"modules={checker.get('modules_verified', '-')}/{checker.get('modules_checked', '-')} "
                f"step={checker.get('step_verified', '-')} marked={len(row.get('markers') or [])}",
                file=sys.stderr,
                flush=True,
            )
        done = [(path, future.result()) for future, path in futures.items()]
    for path, row in done:
        rows.append(row)
        checker = row.get("checker")
        if checker:
            modules = f"modules {checker['modules_verified']}/{checker['modules_checked']}"
            step = f"step {'ok' if checker['step_verified'] else 'no'} ({checker.get('steps', 0)})"
            why = checker.get("summary", "")
        else:
            modules, step, why = "modules -", "step -", ""
        detail = row.get("error") or (row["markers"][0] if row.get("markers") else why)
        print(
            f"{_status(row):10s} {path.stem:38s} ran {'yes' if row.get('ran') else 'no ':3s} {modules:12s} "
            f"{step:12s} {str(detail)[:110]}",
            flush=True,
        )
    n = len(rows)
    translated = sum(bool(r.get("translated")) for r in rows)
    incomplete = sum(bool(r.get("markers")) for r in rows)
    ran = sum(bool(r.get("ran")) for r in rows)
    checked = [r["checker"] for r in rows if r.get("checker")]
    modules_ok = sum(c["modules_verified"] for c in checked)
    modules_all = sum(c["modules_checked"] for c in checked)
    steps_ok = sum(bool(c["step_verified"]) for c in checked)
    silent = sum(
        1 for r in rows if r.get("ran") and not r.get("markers") and not (r.get("checker") or {}).get("step_verified")
    )
    print(
        f"\n{n} scripts: translated {translated}, incomplete (marked) {incomplete}, ran end to end {ran}, "
        + (
            f"modules verified {modules_ok}/{modules_all}, train step verified {steps_ok}/{n}, "
            f"ran unmarked but train step not verified {silent}"
            if checked
            else "recording checker not available (modules / train step not checked)"
        )
    )
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
