"""How much code a translation is: output/input line ratio and the share of output lines in emitted helpers.

    PYTHONPATH=. python benchmarks/size_bench.py [FILES_OR_DIRS...] [--json OUT.json]

Default: every problem of benchmarks/corpus/ and its training scripts (benchmarks/corpus/train/), and
benchmarks/wild/ when it exists. Lines are non-blank lines (formatting changes blank lines, not code); helper
lines are the non-blank lines of the torch-semantics helpers the rules emitted into the file (counted in the
output). Prints per file `input -> output (helpers)`, then per folder the median ratio, the share of all output
lines that are helper lines, the median per-file share and the longest line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def nonblank(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def measure(path: Path) -> dict:
    from t2j.rules import translate_rules
    from t2j.rules.emit import load_helpers

    source = path.read_text()
    result = translate_rules(source)
    helpers = load_helpers()
    helper_lines = sum(nonblank(helpers[name].source) for name in result.helpers if name in helpers)
    out = nonblank(result.code)
    return {
        "file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "input": nonblank(source),
        "output": out,
        "helpers": helper_lines,
        "helper_names": result.helpers,
        "longest": max((len(line) for line in result.code.splitlines()), default=0),
    }


def _files(targets: list[str]) -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {}
    for target in targets:
        p = Path(target)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*.py") if not f.name.startswith("_"))
            by_dir: dict[str, list[Path]] = {}
            for f in files:
                by_dir.setdefault(str(f.parent.relative_to(ROOT) if f.is_relative_to(ROOT) else f.parent), []).append(f)
            for k, v in by_dir.items():
                groups.setdefault(k, []).extend(v)
        elif p.exists():
            groups.setdefault(str(p.parent), []).append(p)
    return groups


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("targets", nargs="*")
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    targets = args.targets or [str(ROOT / "benchmarks/corpus")] + (
        [str(ROOT / "benchmarks/wild")] if (ROOT / "benchmarks/wild").is_dir() else []
    )
    rows = []
    for group, files in _files(targets).items():
        group_rows = []
        for f in files:
            try:
                row = measure(f)
            except Exception as exc:  # noqa: BLE001 - a file the rules cannot parse is reported, not counted
                print(f"{f}: ERROR {exc}")
                continue
            group_rows.append(row)
            print(
                f"{row['file']}: {row['input']} -> {row['output']} ({row['helpers']} in helpers"
                f"{': ' + ', '.join(row['helper_names']) if row['helper_names'] else ''})"
            )
        if not group_rows:
            continue
        ratios = [r["output"] / r["input"] for r in group_rows]
        shares = [r["helpers"] / r["output"] for r in group_rows]
        total_out = sum(r["output"] for r in group_rows)
        print(
            f"== {group}: {len(group_rows)} files; median output/input {statistics.median(ratios):.2f} "
            f"(max {max(ratios):.2f}); helpers {100 * sum(r['helpers'] for r in group_rows) / total_out:.1f}% of "
            f"all output lines (median per file {100 * statistics.median(shares):.1f}%); "
            f"longest line {max(r['longest'] for r in group_rows)}\n"
        )
        rows.extend(group_rows)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
