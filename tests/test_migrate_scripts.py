"""t2j migrate checks the training scripts of a codebase with the recording checker (t2j.verify.recording): a
tutorial-style script in no convention is recorded, its module class checked with the recorded arguments and its
train step replayed; a translation that trains differently is reported failed."""

from __future__ import annotations

import shutil
from pathlib import Path

from t2j.migrate.codebase import migrate_codebase
from t2j.migrate.models import MigrateOptions
from t2j.settings import Settings

SCRIPT = Path(__file__).parent / "data" / "scripts" / "regression_loop.py"


def _codebase(root: Path) -> Path:
    (root / "tools").mkdir(parents=True)
    shutil.copyfile(SCRIPT, root / "train.py")
    (root / "README.md").write_text("# a tiny project: one training script\n")
    (root / "tools" / "paths.py").write_text("DATA_DIR = 'data'\n")
    return root


def _entry(report, path: str):
    return next(f for f in report.files if f.path == path)


def test_migrate_verifies_a_tutorial_training_script_by_recording(tmp_path):
    src = _codebase(tmp_path / "src")
    settings = Settings(record_max_steps=2)
    report = migrate_codebase(MigrateOptions(src=str(src), dst=str(tmp_path / "dst")), settings=settings)
    train = _entry(report, "train.py")
    assert train.result.train_steps == ["train_step"]
    [script] = [m for m in train.modules if m.inputs == "script"]
    assert script.ok, script.summary
    assert [c.name for c in script.checks] == ["module Regressor", "train step train_step (2 steps)"]
    assert train.status == "verified" and _entry(report, "tools/paths.py").status == "copied"
    assert "train_step" in (tmp_path / "dst" / "train.py").read_text()


def test_migrate_reports_a_training_script_whose_translation_trains_differently(tmp_path):
    from t2j.migrate.worker import SCRIPT as SCRIPT_INPUTS
    from t2j.migrate.worker import verify_module
    from t2j.migrate.codebase import module_jobs
    from t2j.migrate.state import RunState

    src = _codebase(tmp_path / "src")
    dst = tmp_path / "dst"
    options = MigrateOptions(src=str(src.resolve()), dst=str(dst.resolve()), verify=False)
    migrate_codebase(options)
    translated = (dst / "train.py").read_text()
    (dst / "train.py").write_text(translated.replace("learning_rate=0.05", "learning_rate=0.07"))
    state = RunState.open(dst, options.fingerprint(), fresh=False)
    [job] = [j for j in module_jobs(options, state, {}) if j.inputs == SCRIPT_INPUTS]
    result = verify_module(job, Settings(record_max_steps=2))
    assert not result.ok and "train step" in result.summary.lower(), result.summary
