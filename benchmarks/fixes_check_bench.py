"""The fix-store check, per entry: one shared reference run and no timings (now) vs one full verify per code (before).

    PYTHONPATH=. python benchmarks/fixes_check_bench.py [N]     # N entries, every len(store)//N-th (default 30)

"Before" is `check_entry(entry, settings=Settings(), verifier=verify_sources)`: a whole verification (torch
reference, JAX side, trusted runner, timings, IR, init check) for each of the entry's buggy, fixed and rewritten
code; "now" is `check_entry(entry)` (`verify_translations` with `entry_settings`). The two alternate entry by entry,
in both orders, in this one process; the verdicts must be identical.
"""

from __future__ import annotations

import sys
import time

from t2j._resources import data_dir
from t2j.fixes.check import check_entry
from t2j.fixes.store import load_store
from t2j.settings import Settings
from t2j.verify.api import verify_sources


def main(count: int) -> None:
    store = list(load_store(data_dir("fixes")))
    entries = store[:: max(1, len(store) // count)][:count]
    contenders = {
        "before": lambda entry: check_entry(entry, settings=Settings(), verifier=verify_sources),
        "now": check_entry,
    }
    contenders["before"](entries[0])  # start the sandboxes' fork servers before timing
    seconds = dict.fromkeys(contenders, 0.0)
    verdicts: dict[str, list] = {name: [] for name in contenders}
    for i, entry in enumerate(entries):
        for name in sorted(contenders, reverse=bool(i % 2)):
            start = time.perf_counter()
            result = contenders[name](entry)
            seconds[name] += time.perf_counter() - start
            verdicts[name].append((result.id, result.ok, result.buggy_ok, result.fixed_ok, result.rewrite_ok))
    print(
        f"{len(entries)} entries: before {seconds['before']:.1f} s, now {seconds['now']:.1f} s, "
        f"before/now {seconds['before'] / seconds['now']:.2f}x; same verdicts: {verdicts['before'] == verdicts['now']}; "
        f"all ok: {all(v[1] for v in verdicts['now'])}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
