"""Migration throughput: migrate benchmarks/migrate_codebase with 1 and 2 workers.

    PYTHONPATH=. python benchmarks/migrate_bench.py [--no-verify] [--no-record] [--workers 1 2] [--json OUT]

Reports, per worker count: wall time, files per minute, modules verified / modules with inputs (inputs from
get_inputs() and recorded by running `python train.py --epochs 1`), and the file statuses. Each run starts from
an empty output folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from t2j.migrate.models import MigrateOptions  # noqa: E402
from t2j.migrate.codebase import migrate_codebase  # noqa: E402

CODEBASE = ROOT / "benchmarks" / "migrate_codebase"
RECORD = f"{sys.executable} train.py --epochs 1"


def run(workers: int, verify: bool, record: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="t2j-migrate-bench-") as folder:
        options = MigrateOptions(
            src=str(CODEBASE),
            dst=str(Path(folder) / "out"),
            verify=verify,
            record=RECORD if (verify and record) else None,
        )
        start = time.perf_counter()
        report = migrate_codebase(options, workers=workers)
        seconds = time.perf_counter() - start
    s = report.summary
    return {
        "workers": workers,
        "verify": verify,
        "record": bool(verify and record),
        "files": s.files,
        "torch_files": s.torch_files,
        "seconds": round(seconds, 1),
        "files_per_minute": round(60 * s.files / seconds, 1),
        "modules": s.modules,
        "modules_verified": s.modules_verified,
        "share_verified": None if s.share_verified is None else round(s.share_verified, 3),
        "by_status": {k: v for k, v in s.by_status.items() if v},
        "untranslated_spots": s.untranslated_spots,
        "speed_ratio_median": None if s.speed_ratio_median is None else round(s.speed_ratio_median, 2),
        "not_verified": [
            f"{e.path}::{m.entry} ({m.inputs}): {m.summary}" for e in report.files for m in e.modules if not m.ok
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-verify", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = []
    for workers in args.workers:
        result = run(workers, not args.no_verify, not args.no_record)
        results.append(result)
        print(json.dumps(result), flush=True)
    print("\n| workers | verify | files | seconds | files/min | modules verified | share verified |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        share = "–" if r["share_verified"] is None else f"{100 * r['share_verified']:.0f}%"
        print(
            f"| {r['workers']} | {'yes' + (' + record' if r['record'] else '') if r['verify'] else 'no'} | "
            f"{r['files']} | {r['seconds']} | {r['files_per_minute']} | {r['modules_verified']}/{r['modules']} | "
            f"{share} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
