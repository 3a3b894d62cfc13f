"""mypy on the package against a committed baseline that only shrinks: an error the baseline does not list
fails; fixing errors means deleting their lines from tests/mypy_baseline.txt (regenerate it with
`python tests/test_types.py --write`)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).with_name("mypy_baseline.txt")
_ERROR = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<message>.*)$")


def _normalized(output: str) -> Counter[str]:
    """`path: message [code]` per error, without line numbers (so that edits elsewhere in a file do not churn)."""
    found: Counter[str] = Counter()
    for line in output.splitlines():
        match = _ERROR.match(line.strip())
        if match:
            found[f"{match['path']}: {match['message']}"] += 1
    return found


def run_mypy(cache_dir: Path) -> Counter[str]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "t2j",
            "--no-error-summary",
            "--hide-error-context",
            "--no-pretty",
            "--show-error-codes",
            "--cache-dir",
            str(cache_dir),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    return _normalized(run.stdout)


def _baseline() -> Counter[str]:
    return Counter(line for line in BASELINE.read_text().splitlines() if line.strip() and not line.startswith("#"))


@pytest.mark.slow
def test_no_type_errors_beyond_the_baseline(tmp_path):
    pytest.importorskip("mypy")
    found = run_mypy(tmp_path / "mypy-cache")
    new = found - _baseline()
    assert not new, (
        "mypy errors that tests/mypy_baseline.txt does not list (fix them; the baseline only "
        "shrinks):\n" + "\n".join(sorted(new.elements()))
    )


def test_baseline_parser_ignores_line_numbers():
    out = (
        "t2j/a.py:3: error: Bad thing  [arg-type]\nt2j/a.py:9:2: error: Bad thing  [arg-type]\n"
        "t2j/a.py:4: note: a note\n"
    )
    assert _normalized(out) == Counter({"t2j/a.py: Bad thing  [arg-type]": 2})


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        errors = run_mypy(Path(cache))
    header = "# mypy errors accepted for now (one line per error, line numbers dropped); this list only shrinks\n"
    BASELINE.write_text(header + "".join(f"{e}\n" for e in sorted(errors.elements())))
    print(f"wrote {BASELINE} ({sum(errors.values())} errors)")
