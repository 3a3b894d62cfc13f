"""`--record CMD`: run the project's own PyTorch entry point with hooks that capture real module inputs.

The command runs in a scratch copy of SRC (so that whatever it writes, checkpoints or logs, never lands in
SRC), with a generated sitecustomize.py on PYTHONPATH that installs `t2j.migrate.record_hook`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from t2j.errors import BadInput
from t2j.migrate.files import atomic_copy

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)

SITECUSTOMIZE = """\
try:
    from t2j.migrate.record_hook import install as _t2j_install
    _t2j_install()
except Exception as _exc:  # never break the user's program
    import sys
    print(f"t2j record: hooks not installed: {_exc}", file=sys.stderr)
"""


class RecordOutcome:
    def __init__(self, samples: dict[str, list[str]], returncode: int, log_tail: str):
        self.samples = samples  # "rel/path.py::Class" -> sample files (absolute)
        self.returncode = returncode
        self.log_tail = log_tail


def load_index(out_dir: Path) -> dict[str, list[dict]]:
    """Samples recorded in `out_dir`: key -> [{"file", "module"}], in capture order."""
    samples: dict[str, list[dict]] = {}
    index = out_dir / "index.jsonl"
    if not index.is_file():
        return samples
    for line in index.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut by a kill
        if (out_dir / entry["file"]).is_file():
            samples.setdefault(entry["key"], []).append(entry)
    return samples


def record_inputs(
    src: Path, files: list[str], command: str, out_dir: Path, timeout_s: float = 600.0, per_class: int = 2
) -> RecordOutcome:
    """Run `command` (a shell command line) in a copy of `src` holding `files`, capturing module inputs into
    `out_dir`. A command that fails still yields whatever it captured before failing."""
    if not command.strip():
        raise BadInput('--record needs a command, e.g. --record "python train.py --epochs 1"')
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="t2j-record-") as scratch:
        work = Path(scratch) / "project"
        for rel in files:
            atomic_copy(src / rel, work / rel)
        hooks = Path(scratch) / "hooks"
        hooks.mkdir()
        (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
        env = dict(os.environ)
        python_path = [str(hooks), _PACKAGE_ROOT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env.update(
            PYTHONPATH=os.pathsep.join(python_path),
            T2J_RECORD_ROOT=str(work),
            T2J_RECORD_DIR=str(out_dir),
            T2J_RECORD_SAMPLES=str(per_class),
            PYTHONDONTWRITEBYTECODE="1",
        )
        proc = subprocess.Popen(
            command,
            shell=True,
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout_s)
            code, log = proc.returncode, (stderr or stdout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the command and everything it started
            stdout, stderr = proc.communicate()
            code, log = -signal.SIGKILL, f"{stderr or stdout}\ntimed out after {timeout_s:g} s (killed)"
    samples = {key: [str(out_dir / e["file"]) for e in entries] for key, entries in load_index(out_dir).items()}
    tail = "\n".join(str(log).strip().splitlines()[-20:])
    return RecordOutcome(samples, code, tail)
