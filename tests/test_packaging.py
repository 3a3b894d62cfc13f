"""The installed package (not the checkout) carries its data folders and console script."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _installed_t2j_location(tmp_path: Path) -> str | None:
    """Where `import t2j` resolves from a folder outside the checkout (None when t2j is not installed)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = subprocess.run(
        [sys.executable, "-c", "import t2j, os; print(os.path.dirname(t2j.__file__))"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def test_installed_package_ships_fixes_and_prompts(tmp_path):
    location = _installed_t2j_location(tmp_path)
    if location is None or Path(location).resolve().parent == ROOT:
        pytest.skip("t2j is not pip-installed (non-editable) in this environment")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = "from t2j._resources import data_dir; print(data_dir('fixes')); print(data_dir('prompts'))"
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    fixes, prompts = (Path(line) for line in run.stdout.split())
    assert fixes.is_relative_to(location) and prompts.is_relative_to(location)
    assert any(fixes.rglob("*.yaml")), "no fix-store entries were installed"
    assert any(prompts.glob("*.md")), "no prompt templates were installed"
    script = shutil.which("t2j")
    assert script, "the t2j console script is not on PATH"
    assert subprocess.run([script, "--help"], env=env, cwd=tmp_path, capture_output=True).returncode == 0
