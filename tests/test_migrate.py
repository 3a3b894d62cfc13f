"""t2j migrate: walking, bad files, import rewriting, untouched sources, resume after kill -9, verification."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from t2j.errors import BadInput
from t2j.migrate.models import MigrateOptions
from t2j.migrate.codebase import migrate_codebase
from t2j.migrate.state import STATE_FILE, WORK_DIR
from tests.migrate_project import make_project, tree_hashes

ROOT = Path(__file__).resolve().parent.parent
SKIP_OUTPUT = (WORK_DIR + "/", "t2j-report.")


def _options(src, dst, **kw):
    return MigrateOptions(src=str(src), dst=str(dst), max_bytes=100_000, **kw)


@pytest.fixture(scope="module")
def translated(tmp_path_factory):
    """One translate-only run over the test project (shared by the checks below)."""
    base = tmp_path_factory.mktemp("migrate")
    src = make_project(base / "src")
    before = tree_hashes(src)
    report = migrate_codebase(_options(src, base / "dst", verify=False), workers=2)
    return src, base / "dst", report, before


def test_statuses_and_bad_files(translated):
    src, dst, report, _ = translated
    status = {e.path: e.status for e in report.files}
    assert status["pkg/layers.py"] == "translated"
    assert status["pkg/model.py"] == "translated"
    assert status["pkg/util.py"] == "copied"
    assert status["README.md"] == "copied" and status["assets/weights.bin"] == "copied"
    reasons = {b["path"]: b["reason"] for b in report.summary.bad}
    assert reasons["broken.py"].startswith("not valid Python: invalid syntax at line 3")
    assert reasons["blob.py"].startswith("binary")
    assert reasons["pkg/huge.py"].startswith("huge: 240013 bytes")
    # .gitignore respected: ignored folder and *.log are neither listed nor copied
    assert "ignored/secret.py" not in status and "old.log" not in status
    assert not (dst / "ignored").exists() and not (dst / "old.log").exists()
    # bad and non-Python files are copied byte for byte
    for rel in ("broken.py", "blob.py", "assets/weights.bin", "configs/run.yaml"):
        assert (dst / rel).read_bytes() == (src / rel).read_bytes()
    assert not report.ok  # bad files make the run exit 1


def test_sources_untouched(translated):
    src, _, _, before = translated
    assert tree_hashes(src) == before


def test_imports_rewritten_and_resolved(translated):
    _, dst, report, _ = translated
    model = (dst / "pkg/model.py").read_text()
    assert "import torch" not in model
    assert "from pkg.layers import Scale" in model and "from pkg.util import hidden_size" in model
    # Scale is an nn.Module of another file: once both are Flax modules it needs the rngs
    assert "self.body = Scale(dim, hidden_size(), rngs=rngs)" in model
    assert "class Net(nnx.Module)" in model
    # the import check finds the one import that does not resolve, and only that one
    problems = {e.path: e.import_problems for e in report.files if e.import_problems}
    assert list(problems) == ["pkg/missing_name.py"]
    assert "no_such_function" in problems["pkg/missing_name.py"][0].message
    # the translated package imports in a fresh interpreter from DST
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pkg.model import Net; from flax import nnx; "
            "import jax.numpy as jnp; print(Net(5, rngs=nnx.Rngs(0))(jnp.ones((2, 5))).shape)",
        ],
        cwd=dst,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip() == "(2, 2)", out.stderr


def test_report_files(translated):
    _, dst, report, _ = translated
    data = json.loads((dst / "t2j-report.json").read_text())
    assert data["summary"]["by_status"]["bad"] == 3
    assert [f["result"]["path"] for f in data["files"]] == sorted(f["result"]["path"] for f in data["files"])
    html = (dst / "t2j-report.html").read_text()
    assert 'id="f-pkg-model-py"' in html and "<svg" in html
    # self-contained: no external scripts, stylesheets, images or fonts
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html) and "<link" not in html and "@import" not in html


def test_refuses_to_overwrite_and_resumes_same_run(translated, tmp_path):
    src, dst, _, _ = translated
    with pytest.raises(BadInput, match="other options"):
        migrate_codebase(_options(src, dst, verify=True))
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x")
    with pytest.raises(BadInput, match="not empty"):
        migrate_codebase(_options(src, foreign, verify=False))
    with pytest.raises(BadInput, match="differ from SRC|inside"):
        migrate_codebase(_options(src, src / "out", verify=False))
    # the same command again resumes: nothing is redone
    lines = (dst / WORK_DIR / STATE_FILE).read_text().splitlines()
    migrate_codebase(_options(src, dst, verify=False))
    assert (dst / WORK_DIR / STATE_FILE).read_text().splitlines() == lines
    # --force starts over
    migrate_codebase(_options(src, foreign, verify=False), force=True)
    assert (foreign / "keep.txt").exists() and (foreign / "pkg/model.py").exists()


def _run_cli(args, **kw):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "t2j.cli", "migrate", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kw,
    )


def test_resume_after_kill_9(tmp_path):
    src = make_project(tmp_path / "src", extra=60)
    before = tree_hashes(src)
    args = [str(src), "--no-verify", "--quiet", "--max-bytes", "100000", "--workers", "1"]
    reference = _run_cli(args + ["--out", str(tmp_path / "ref")])
    assert reference.wait(timeout=300) == 1  # bad files in the project
    state = tmp_path / "dst" / WORK_DIR / STATE_FILE
    proc = _run_cli(args + ["--out", str(tmp_path / "dst")])
    deadline = time.time() + 240
    while time.time() < deadline:
        if state.exists() and state.read_text().count("\n") >= 6:
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    done_before = state.read_text().count('"type": "file"')
    assert 5 <= done_before < 75, "the kill must land in the middle of the run"
    resumed = _run_cli(args + ["--out", str(tmp_path / "dst")])
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 1, err
    records = [json.loads(line) for line in state.read_text().splitlines()[1:]]
    paths = [r["result"]["path"] for r in records if r["type"] == "file"]
    assert len(paths) == len(set(paths)), "a finished file was redone"
    assert tree_hashes(tmp_path / "dst", SKIP_OUTPUT) == tree_hashes(tmp_path / "ref", SKIP_OUTPUT)
    assert not list((tmp_path / "dst").rglob("*.t2j-tmp"))
    ref_report = json.loads((tmp_path / "ref" / "t2j-report.json").read_text())
    new_report = json.loads((tmp_path / "dst" / "t2j-report.json").read_text())
    assert [(f["result"]["path"], f["status"]) for f in new_report["files"]] == [
        (f["result"]["path"], f["status"]) for f in ref_report["files"]
    ]
    assert tree_hashes(src) == before


@pytest.mark.slow
def test_verify_with_get_inputs_and_recorded_inputs(tmp_path):
    """End to end: Scale verified with its get_inputs(); Net and Scale with inputs recorded from train.py."""
    src = make_project(tmp_path / "src")
    before = tree_hashes(src)
    report = migrate_codebase(_options(src, tmp_path / "dst", record=f"{sys.executable} train.py"), workers=1)
    modules = {(m.path, m.entry, m.inputs): m for e in report.files for m in e.modules}
    assert set(modules) == {
        ("pkg/layers.py", "Scale", "get_inputs"),
        ("pkg/layers.py", "Scale", "recorded"),
        ("pkg/model.py", "Net", "recorded"),
    }
    for key, module in modules.items():
        assert module.ok, (key, module.summary, module.error)
        assert module.backward_ok and module.speed_ratio and module.speed_ratio > 0
    status = {e.path: e.status for e in report.files}
    assert status["pkg/layers.py"] == status["pkg/model.py"] == "verified"
    assert report.summary.share_verified == 1.0
    assert tree_hashes(src) == before  # the recorded run wrote train.log into a scratch copy, not SRC
    assert not (src / "train.log").exists()
    html = (tmp_path / "dst" / "t2j-report.html").read_text()
    assert 'Net <small>(inputs: recorded)</small> <span class="ok">VERIFIED' in html


def test_cli_bad_input_writes_nothing(tmp_path, capsys):
    from t2j.cli import main

    assert main(["migrate", str(tmp_path / "missing"), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "t2j: error: SRC" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    src = make_project(tmp_path / "src")
    assert main(["migrate", str(src), "--out", str(src / "inside"), "--quiet"]) == 2
    assert not (src / "inside").exists()


def test_failed_record_command_is_reported(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "net.py").write_text(
        "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n        return x.relu()\n"
    )
    (src / "run.py").write_text("import net\nraise SystemExit('training crashed: no data')\n")
    report = migrate_codebase(_options(src, tmp_path / "dst", record=f"{sys.executable} run.py"))
    assert "training crashed: no data" in report.summary.record_log
    assert report.summary.modules == 0 and {e.path: e.status for e in report.files}["net.py"] == "translated"
    assert "--record command failed" in (tmp_path / "dst" / "t2j-report.html").read_text()


@pytest.mark.slow
def test_resume_after_kill_9_during_verification(tmp_path):
    src = make_project(tmp_path / "src")
    args = [
        str(src),
        "--quiet",
        "--max-bytes",
        "100000",
        "--out",
        str(tmp_path / "dst"),
        "--record",
        f"{sys.executable} train.py",
    ]
    state = tmp_path / "dst" / WORK_DIR / STATE_FILE
    proc = _run_cli(args)
    deadline = time.time() + 400
    while time.time() < deadline and proc.poll() is None:
        if state.exists() and '"type": "module"' in state.read_text():
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    first = state.read_text()
    assert first.count('"type": "module"') == 1 and first.count('"name": "record"') == 1
    resumed = _run_cli(args)
    out, err = resumed.communicate(timeout=600)
    records = [json.loads(line) for line in state.read_text().splitlines()[1:]]
    keys = [
        (r["result"]["path"], r["result"]["entry"], r["result"]["inputs"]) for r in records if r["type"] == "module"
    ]
    assert len(keys) == len(set(keys)) == 3, "a verified module was redone"
    assert sum(1 for r in records if r["type"] == "marker") == 1, "the recording was redone"
    report = json.loads((tmp_path / "dst" / "t2j-report.json").read_text())
    assert report["summary"]["modules_verified"] == 3
