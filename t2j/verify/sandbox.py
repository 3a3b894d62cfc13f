"""Run untrusted code in a subprocess: timeout, memory cap, scrubbed environment, temporary working directory."""

from __future__ import annotations

import atexit
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
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
    cache = jax_cache_dir()
    if cache:
        # Compiled XLA executables (the model's eager initialisers included) are reused across jobs.
        env.update(
            JAX_COMPILATION_CACHE_DIR=cache,
            JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
            JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0",
        )
    return env


def jax_cache_dir() -> str | None:
    """Where sandboxed JAX runs share compiled executables; T2J_JAX_CACHE=0 turns the cache off."""
    setting = os.environ.get("T2J_JAX_CACHE", "")
    if setting == "0":
        return None
    if setting:
        return setting
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "t2j", "jax-compilation-cache")


# Runs first in the child: cap its memory, then run the requested module as __main__. Doing this in the child
# (not with preexec_fn) keeps the parent, which may have live JAX threads, from running Python code after fork.
_BOOTSTRAP = (
    "import resource, runpy, sys\n"
    "limit = int(sys.argv[1]) * 1024 * 1024\n"
    "if limit > 0: resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
    "sys.argv = sys.argv[3:]\n"
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
)


def run_sandboxed(args: list[str], workdir: Path, timeout_s: float, memory_limit_mb: int) -> SandboxResult:
    """Run `python -m module args...` in `workdir` (args[0] == "-m"); a hang is killed (whole process group)
    and reported, never raised."""
    if args[0] != "-m":
        raise ValueError("run_sandboxed runs a module: args must start with '-m'")
    process = subprocess.Popen(
        [sys.executable, "-c", _BOOTSTRAP, str(memory_limit_mb), "-m", *args[1:]],
        cwd=workdir,
        env=scrubbed_env(workdir),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
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


class ForkServer:
    """One warm interpreter per side ("torch" or "jax") that forks a sandboxed child per job (see forkserver.py).

    Jobs are serialised with a lock; a server that died is restarted on the next job.
    """

    def __init__(self, kind: str):
        self.kind = kind
        self._process: subprocess.Popen | None = None
        self._buffer = b""
        self._lock = threading.Lock()
        self._home = Path(tempfile.mkdtemp(prefix=f"t2j-forkserver-{kind}-"))

    def _start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "t2j.verify.forkserver", self.kind],
            cwd=self._home,
            env=scrubbed_env(self._home),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._buffer = b""

    def _read_message(self, timeout_s: float | None) -> dict | None:
        """The next JSON line from the server, or None on timeout; raises EOFError if the server died."""
        fd = self._process.stdout.fileno()
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([fd], [], [], timeout_s)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise EOFError("fork server exited")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)

    def run(self, workdir: Path, timeout_s: float, memory_limit_mb: int) -> SandboxResult:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            job = {"side": self.kind, "workdir": str(workdir), "memory_limit_mb": memory_limit_mb}
            self._process.stdin.write((json.dumps(job) + "\n").encode())
            self._process.stdin.flush()
            started = self._read_message(timeout_s=120.0)  # the first job waits for the imports
            if started is None:
                self.close()
                raise RuntimeError("fork server did not start a job within 120 s")
            pid = started["pid"]
            finished = self._read_message(timeout_s=timeout_s)
            timed_out = finished is None
            if timed_out:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                finished = self._read_message(timeout_s=30.0) or {"status": -1}
            status = finished["status"]
            if os.WIFEXITED(status):
                code = os.WEXITSTATUS(status)
            elif os.WIFSIGNALED(status):
                code = -os.WTERMSIG(status)
            else:
                code = -1
        read = lambda name: (workdir / f"{self.kind}.{name}").read_text(errors="replace") if (
            workdir / f"{self.kind}.{name}").exists() else ""
        return SandboxResult(None if timed_out else code, read("stdout.txt"), read("stderr.txt"), timed_out)

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._process.wait()
        self._process = None


_servers: dict[str, ForkServer] = {}
_servers_lock = threading.Lock()


def fork_server(kind: str) -> ForkServer:
    """The process-wide warm interpreter for `kind` (created on first use, closed at exit)."""
    with _servers_lock:
        if kind not in _servers:
            _servers[kind] = ForkServer(kind)
        return _servers[kind]


@atexit.register
def _close_servers() -> None:
    for server in _servers.values():
        server.close()


def run_side(side: str, workdir: Path, timeout_s: float, memory_limit_mb: int, warm: bool = True) -> SandboxResult:
    """Run one side of a verification job sandboxed: in a child of the warm fork server, or a fresh interpreter."""
    if warm and hasattr(os, "fork"):
        try:
            return fork_server(side).run(workdir, timeout_s, memory_limit_mb)
        except (EOFError, RuntimeError, OSError):
            fork_server(side).close()
    return run_sandboxed(["-m", "t2j.verify.runner", side, str(workdir)], workdir, timeout_s, memory_limit_mb)
