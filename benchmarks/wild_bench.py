"""Translate and verify every file of the wild corpus (real model code, benchmarks/wild/README.md).

    PYTHONPATH=. python benchmarks/wild_bench.py [FILES...] [--json OUT.json]

Per file: the translation's status (markers and diagnostics), then the sandboxed verifier's verdict.
Prints the totals -- verified forward and backward, incomplete (translated with `# t2j: not translated`
markers), failed -- the failures whose output has no marker and an undefined name (pyflakes: the
translator was silently incomplete), and the failure causes ranked by the number of files they block.
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARKER = "# t2j: not translated"
# the verdict only: speed is measured by benchmarks/speed_bench.py, IR is not needed here
SETTINGS = None


def _settings():
    from t2j.settings import Settings

    return Settings(timing_runs=1, collect_ir=False)


def undefined_names(code: str) -> list[str]:
    """Names pyflakes reports as undefined in `code` (the translation)."""
    from pyflakes import api, messages
    from pyflakes.reporter import Reporter

    found: list[str] = []

    class Collect(Reporter):
        def __init__(self):
            super().__init__(None, None)

        def flake(self, message):
            if isinstance(message, messages.UndefinedName):
                found.append(message.message_args[0])

        def syntaxError(self, *args):
            found.append("<syntax error>")

        def unexpectedError(self, *args):
            pass

    api.check(code, "translation.py", Collect())
    return found


def cause(error: str) -> str:
    """A failure's cause, with the specifics that differ between files (numbers, shapes) removed."""
    from t2j.verify.report import last_error_line

    exc = last_error_line(error)
    exc = re.sub(r"\d+", "N", exc)
    exc = re.sub(r"\(N(, N)*\)|\[N(, N)*\]", "(shape)", exc)
    return exc[:140]


def run_one(path: Path, out_dir: Path) -> dict:
    import t2j

    global SETTINGS
    SETTINGS = SETTINGS or _settings()
    row = {
        "file": path.name,
        "markers": 0,
        "diagnostics": 0,
        "undefined": [],
        "ok": False,
        "forward_ok": False,
        "backward_ok": False,
        "cause": None,
        "translate_s": 0.0,
    }
    start = time.perf_counter()
    try:
        result = t2j.translate(path, verify=False)
    except Exception as exc:  # noqa: BLE001 - a translator crash is this benchmark's worst finding
        row["cause"] = f"translator crash: {type(exc).__name__}: {exc}"[:140]
        return row
    row["translate_s"] = time.perf_counter() - start
    row["markers"] = result.code.count(MARKER)
    row["diagnostics"] = len(result.diagnostics)
    row["undefined"] = sorted(set(undefined_names(result.code)))
    out = out_dir / f"{path.stem}_jax.py"
    out.write_text(result.code)
    try:
        v = t2j.verify_files(path, out, settings=SETTINGS)
    except Exception as exc:  # noqa: BLE001
        row["cause"] = f"verifier: {type(exc).__name__}: {exc}"[:140]
        return row
    row.update(ok=v.ok, forward_ok=v.forward_ok, backward_ok=v.backward_ok)
    if not v.ok:
        if v.error:
            row["cause"] = f"{v.failed_stage}: {cause(v.error)}"
        else:
            failed = [c.name for c in v.checks if not c.ok and not c.skipped]
            row["cause"] = "mismatch: " + ", ".join(failed)
        row["summary"] = v.summary()[:300]
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--json", dest="json_out")
    parser.add_argument("--keep", help="write the translations to this folder")
    args = parser.parse_args()
    files = [Path(f) for f in args.files] or [
        Path(f)
        for f in sorted(glob.glob(str(ROOT / "benchmarks/wild/*.py")))
        if not Path(f).name.startswith(("build_", "specs"))
    ]
    out_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="t2j-wild-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for f in files:
        row = run_one(f, out_dir)
        rows.append(row)
        status = "VERIFIED" if row["ok"] else ("INCOMPLETE" if row["markers"] else "FAILED")
        print(
            f"{row['file']}: {status} markers={row['markers']} undefined={row['undefined'][:5]} {row['cause'] or ''}",
            flush=True,
        )
    n = len(rows)
    both = sum(r["ok"] for r in rows)
    fwd = sum(r["forward_ok"] for r in rows)
    bwd = sum(r["backward_ok"] for r in rows)
    failed = [r for r in rows if not r["ok"]]
    incomplete = [r for r in failed if r["markers"]]
    silent_undefined = [r for r in failed if r["undefined"] and not r["markers"]]
    unmarked = [r for r in failed if not r["markers"]]
    print(
        f"\nfiles {n}: verified forward+backward {both}/{n} (forward {fwd}, backward {bwd}); "
        f"incomplete (marked) {len(incomplete)}; failed without a marker {len(unmarked)}; "
        f"of those with an undefined name {len(silent_undefined)}"
    )
    causes = collections.Counter(r["cause"] for r in failed if r["cause"])
    print("failure causes, by files blocked:")
    for text, count in causes.most_common():
        print(f"  {count:3d}  {text}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
