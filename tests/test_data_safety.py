"""Bad output paths and limits are one-line errors with exit 2, and nothing of the user's is written or lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MLP = ROOT / "examples" / "mlp.py"


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "t2j.cli", *map(str, args)], capture_output=True, text=True, env=env, timeout=300
    )


def _bad_input(run, text):
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert text in run.stderr and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr


def test_synth_refuses_to_empty_a_file_that_is_not_jsonl(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\nline two\n")
    _bad_input(_cli("synth", "--out", notes, "--count", "1", "--quiet"), "not a JSONL file")
    assert notes.read_text() == "my notes\nline two\n"
    _bad_input(_cli("synth", "--out", tmp_path / "x.jsonl", "--timeout", "-1"), "--timeout")


def test_translate_refuses_a_hard_link_to_its_source(tmp_path):
    source = tmp_path / "x.py"
    source.write_text(MLP.read_text())
    link = tmp_path / "link.py"
    os.link(source, link)
    _bad_input(_cli("translate", source, "-o", link, "--force", "--no-verify"), "is the input file")
    assert source.read_text() == MLP.read_text()


def test_bad_output_paths_are_one_line_errors(tmp_path):
    source = tmp_path / "x.py"
    source.write_text(MLP.read_text())
    dangling = tmp_path / "dangling.py"
    dangling.symlink_to(tmp_path / "nowhere" / "target.py")
    _bad_input(_cli("translate", source, "-o", dangling, "--no-verify"), "dangling symlink")
    folder = tmp_path / "folder"
    folder.mkdir()
    _bad_input(_cli("translate", source, "-o", folder, "--force", "--no-verify"), "is a directory")
    _bad_input(_cli("translate", source, "-o", "/proc/t2j-out.py", "--no-verify"), "/proc")
    _bad_input(_cli("translate", source, "-o", tmp_path / "y.py", "--max-bytes", "100", "--no-verify"), "--max-bytes")
    assert not (tmp_path / "y.py").exists()
    _bad_input(_cli("verify", MLP, ROOT / "examples" / "mlp_jax.py", "--timeout", "-1"), "--timeout")
    _bad_input(_cli("verify", MLP, ROOT / "examples" / "mlp_jax.py", "--save-weights", folder / "sub"), ".safetensors")


def test_migrate_refuses_a_concurrent_run_and_keeps_symlinks(tmp_path):
    import pytest

    from t2j.errors import BadInput
    from t2j.migrate.models import BAD, COPIED, MigrateOptions
    from t2j.migrate.codebase import hold_lock
    from t2j.migrate.codebase import migrate_codebase as migrate

    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    (src / "util.py").write_text("VALUE = 1\n")
    (src / "alias.py").symlink_to("util.py")
    (src / "outside.py").symlink_to(tmp_path / "elsewhere.py")
    options = MigrateOptions(src=str(src), dst=str(dst), verify=False)
    dst.mkdir()
    held = hold_lock(dst)
    with pytest.raises(BadInput, match="another `t2j migrate` is writing"):
        migrate(options, force=True)
    held.close()
    report = migrate(options, force=True)
    by_path = {f.result.path: f.result for f in report.files}
    assert by_path["alias.py"].status == COPIED and os.readlink(dst / "alias.py") == "util.py"
    assert by_path["outside.py"].status == BAD and "outside SRC" in by_path["outside.py"].reason
    assert not (dst / "outside.py").exists() and (dst / "util.py").read_text() == "VALUE = 1\n"
