"""Run untrusted code in a subprocess: timeout, memory cap, scrubbed environment, temporary working directory."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import t2j

_SECRET_NAME = re.compile(
    r"(KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|CERT)", re.IGNORECASE
)
_SECRET_PREFIXES = ("AWS_", "AZURE_", "GCP_", "GOOGLE_", "OPENAI_", "ANTHROPIC_", "HF_", "HUGGING",
                    "GITHUB_", "GH_", "GITLAB_", "SSH_", "DOCKER_", "NPM_", "PYPI_")
_PACKAGE_ROOT = str(Path(t2j.__file__).resolve().parent.parent)


@dataclass
class SandboxResult:
    returncode: int | None  # None when killed for the timeout
    stdout: str
    stderr: str
    timed_out: bool

    def tail(self, lines: int = 30) -> str:
        text = self.stderr.strip() or self.stdout.strip()
        return "\n".join(text.splitlines()[-lines:])


def scrubbed_env(workdir: Path) -> dict[str, str]:
    """The parent's environment without anything that looks like a secret, HOME/TMPDIR moved to `workdir`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not _SECRET_NAME.search(name) and not name.upper().startswith(_SECRET_PREFIXES)
    }
    python_path = [_PACKAGE_ROOT] + [
        str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
    ]
    env.update(
        HOME=str(workdir),
        TMPDIR=str(workdir),
        PYTHONPATH=os.pathsep.join(dict.fromkeys(python_path)),
        PYTHONDONTWRITEBYTECODE="1",  # never write __pycache__ next to the user's files
        PYTHONUNBUFFERED="1",
        PYTHONHASHSEED="0",
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    return env


def _limit_memory(megabytes: int):
    def apply():
        import resource

        if megabytes > 0:
            limit = megabytes * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run_sandboxed(args: list[str], workdir: Path, timeout_s: float, memory_limit_mb: int) -> SandboxResult:
    """Run `python args...` in `workdir`; a hang is killed (whole process group) and reported, never raised."""
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=workdir,
        env=scrubbed_env(workdir),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
        preexec_fn=_limit_memory(memory_limit_mb),
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
        return SandboxResult(process.returncode, stdout, stderr, timed_out=False)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        stdout, stderr = process.communicate()
        return SandboxResult(None, stdout, stderr, timed_out=True)
