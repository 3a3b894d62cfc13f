"""Run untrusted code sandboxed: the public entry points (used by the verifier, migrate --record, scripts).

    from t2j.verify.sandbox import Limits, sandbox_job, run_command

    with sandbox_job("jax", Limits(timeout_s=60), readable=[folder]) as job:   # "torch" | "jax" | "runner"
        (job.scratch / "job.json").write_text(...)       # the job's private, writable folder
        result = job.run()                                # a SandboxResult, never an exception
        ...read what the job wrote in job.scratch...      # removed when the block ends

    result = run_command(["python", "script.py"], Limits(timeout_s=60), readable=[project])  # any command

A job runs in a child of a warm fork server of its kind (torch and jax imported once; see forkserver.py), or
(`warm=False`) of a one-shot server. Each server is a bubblewrap sandbox (isolation.py): read-only host, HOME and
/tmp hidden, no network, own PID namespace, allow-list environment, dies with t2j, and a cgroup capping its total
memory and tasks where t2j may create one. The torch, jax and runner servers share no writable folder, and every
job gets a fresh scratch folder; the server kills all the job's processes when it ends. `isolation()` says
whether this holds here ("strong") or only rlimits and a scrubbed environment do ("weak", with the reason).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from t2j.verify.isolation import (
    Cgroup,
    Isolation,
    bwrap_command,
    created_sandbox_root,
    exposure_for,
    isolation,
    sandbox_env,
    sandbox_root,
    torch_dirs,
)

__all__ = [
    "Limits",
    "SandboxResult",
    "Isolation",
    "isolation",
    "sandbox_job",
    "run_command",
    "run_sandboxed",
    "close_servers",
    "jax_cache_dir",
]

SERVER_ALLOWANCE_MB = 1024  # the warm interpreter itself (torch or jax imported), on top of the job's limit
_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What one sandboxed job may use: wall time, memory of all its processes together, tasks (processes and
    threads), and the size of any file it writes (its stdout and stderr included)."""

    timeout_s: float = 300.0
    memory_mb: int = 8192
    processes: int = 512
    output_mb: int = 2048


@dataclass
class SandboxResult:
    """How a sandboxed job ended. `reason` is set when the sandbox stopped it: "timeout", "memory", "processes",
    "output" (file size limit) or "lost" (its server died: the job killed it, or the kernel did)."""

    returncode: int | None  # the exit code; None when it was killed by a signal
    signal: int | None = None
    reason: str | None = None
    stdout: str = ""
    stderr: str = ""
    limits: Limits = field(default_factory=Limits)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.reason is None

    @property
    def timed_out(self) -> bool:
        return self.reason == "timeout"

    def how(self) -> str:
        """One line: how the process ended."""
        if self.reason == "timeout":
            return f"timed out after {self.limits.timeout_s:g} s (killed)"
        if self.reason == "memory":
            return f"exceeded the memory limit ({self.limits.memory_mb} MB for all its processes together; killed)"
        if self.reason == "processes":
            return f"exceeded the process limit ({self.limits.processes} processes and threads; killed)"
        if self.reason == "output" or self.signal == signal.SIGXFSZ:
            return (
                f"wrote more than the output limit ({self.limits.output_mb} MB in one file; killed; "
                "raise Settings.output_limit_mb for a larger model)"
            )
        if self.reason == "lost":
            return "its sandbox ended abruptly (the process tree was killed)"
        if self.signal is not None:
            try:
                name = signal.Signals(self.signal).name
            except ValueError:
                name = f"signal {self.signal}"
            described = {
                "SIGSEGV": "segmentation fault",
                "SIGABRT": "aborted",
                "SIGBUS": "bus error",
                "SIGFPE": "arithmetic error",
                "SIGILL": "illegal instruction",
            }.get(name)
            return f"killed by {name}" + (f" ({described})" if described else "")
        return f"exited with code {self.returncode}"

    def tail(self, lines: int = 30) -> str:
        text = self.stderr.strip() or self.stdout.strip()
        return "\n".join(text.splitlines()[-lines:])


def jax_cache_dir() -> str | None:
    """Where the trusted runner keeps XLA executables across runs; T2J_JAX_CACHE=0 turns the cache off."""
    setting = os.environ.get("T2J_JAX_CACHE", "")
    if setting == "0":
        return None
    if setting:
        return setting
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "t2j", "jax-compilation-cache")


def _cache_env(kind: str) -> dict[str, str]:
    cache = jax_cache_dir() if kind == "runner" else None  # only the trusted runner writes the cache
    if not cache:
        return {"JAX_ENABLE_COMPILATION_CACHE": "false"}
    return {
        "JAX_COMPILATION_CACHE_DIR": cache,
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
        "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
    }


class ForkServer:
    """One sandboxed warm interpreter of a kind; jobs run one at a time (the caller holds `lock`)."""

    def __init__(
        self,
        kind: str,
        exposed: frozenset[str],
        limits: Limits,
        once: bool = False,
        writable: tuple[str, ...] = (),
        no_torch: bool = False,
    ):
        self.kind, self.exposed, self.limits, self.once = kind, exposed, limits, once
        self.extra_writable = writable
        self.no_torch = no_torch or kind in ("jax", "runner")  # torch hidden (strong isolation)
        self.lock = threading.Lock()
        self.jobs = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=sandbox_root()))
        self.isolation = isolation()
        self.cgroup: Cgroup | None = None
        self._process: subprocess.Popen | None = None
        self._buffer = b""

    def suits(self, exposed: frozenset[str], limits: Limits) -> bool:
        process = self._process  # read once: a job of another thread may close the server meanwhile
        return (
            process is not None
            and process.poll() is None
            and exposed <= self.exposed
            and (limits.memory_mb, limits.processes) == (self.limits.memory_mb, self.limits.processes)
        )

    def start(self) -> None:
        writable = [str(self.jobs), *self.extra_writable]
        cache = jax_cache_dir() if self.kind == "runner" else None
        if cache:
            os.makedirs(cache, exist_ok=True)
            writable.append(os.path.realpath(cache))
        env = sandbox_env(self.jobs, _cache_env(self.kind))
        argv = [sys.executable, "-m", "t2j.verify.forkserver", self.kind]
        if self.isolation.strong:
            hide = torch_dirs() if self.no_torch else []
            argv = bwrap_command(sorted(self.exposed), writable, self.jobs, env, hide=hide) + argv + ["--isolated"]
        log = os.environ.get("T2J_SANDBOX_LOG")  # debugging: where the servers' own stderr goes
        errors = open(log, "ab") if log else subprocess.DEVNULL
        self._process = subprocess.Popen(
            argv,
            cwd=self.jobs,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            start_new_session=True,
        )
        if log:
            errors.close()
        self.cgroup = Cgroup(
            f"t2j-{os.getpid()}-{self._process.pid}",
            self.limits.memory_mb + SERVER_ALLOWANCE_MB if self.limits.memory_mb else 0,
            self.limits.processes + 64,
        )
        if self.cgroup.active and not self.cgroup.add(self._process.pid):
            self.cgroup.remove()
        self._buffer = b""

    def new_scratch(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="job-", dir=self.jobs))

    def _read(self, timeout_s: float | None) -> dict | None:
        """The next JSON line from the server; None on timeout; EOFError if it died."""
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

    def run(self, scratch: Path, limits: Limits, side: str, argv: list[str] | None = None) -> SandboxResult:
        job = {
            "side": side,
            "scratch": str(scratch),
            "timeout_s": limits.timeout_s,
            "memory_mb": limits.memory_mb,
            "processes": limits.processes,
            "output_mb": limits.output_mb,
            "once": self.once,
        }
        if argv is not None:
            job["argv"] = argv
        oom_before = self.cgroup.oom_kills() if self.cgroup else 0
        try:
            self._process.stdin.write((json.dumps(job) + "\n").encode())
            self._process.stdin.flush()
            if self._read(timeout_s=180.0) is None:  # the first job waits for the imports
                self.close()
                return self._finish(
                    scratch, SandboxResult(None, reason="lost", stderr="the sandbox did not start"), limits
                )
            finished = self._read(timeout_s=limits.timeout_s + 30.0)
        except (EOFError, OSError, ValueError):
            finished = {"reason": "lost"}
        if finished is None:  # the server itself hung: the backstop
            self.close()
            finished = {"reason": "timeout"}
        if self.cgroup and self.cgroup.oom_kills() > oom_before:
            finished["reason"] = "memory"
        if finished.get("reason") in ("lost", "memory") and self._process.poll() is not None:
            self.close()
        return self._finish(scratch, _result(finished), limits)

    def _finish(self, scratch: Path, result: SandboxResult, limits: Limits) -> SandboxResult:
        result.limits = limits
        result.stdout = _tail(scratch / "stdout.txt")
        result.stderr = _tail(scratch / "stderr.txt")
        return result

    def close(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                try:
                    os.killpg(self._process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        self._process = None
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None

    def discard(self) -> None:
        self.close()
        shutil.rmtree(self.jobs, ignore_errors=True)


def _result(finished: dict) -> SandboxResult:
    status, reason = finished.get("status"), finished.get("reason")
    if status is None:
        return SandboxResult(None, reason=reason or "lost")
    if os.WIFEXITED(status):
        return SandboxResult(os.WEXITSTATUS(status), reason=reason)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return SandboxResult(None, signal=sig, reason=reason or ("output" if sig == signal.SIGXFSZ else None))
    return SandboxResult(None, reason=reason or "lost")


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _TAIL_BYTES))
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


_servers: dict[str, ForkServer] = {}
_servers_lock = threading.Lock()


def _exposures(readable) -> frozenset[str]:
    return frozenset(e for e in (exposure_for(p) for p in readable) if e)


class Job:
    """One sandboxed job: write its inputs into `scratch`, `run()` it, read its outputs from `scratch`."""

    def __init__(self, server: ForkServer, limits: Limits, side: str):
        self.server, self.limits, self.side = server, limits, side
        self.scratch = server.new_scratch()
        self.isolation = server.isolation

    def run(self, argv: list[str] | None = None) -> SandboxResult:
        return self.server.run(self.scratch, self.limits, self.side, argv)


@contextmanager
def sandbox_job(
    kind: str,
    limits: Limits | None = None,
    readable=(),
    warm: bool = True,
    side: str | None = None,
    no_torch: bool = False,
) -> Iterator[Job]:
    """A job for a `kind` server ("torch", "jax", "runner"; "exec" runs `job.run(argv)`), able to read the
    folders in `readable`. The scratch folder and every process of the job are gone when the block ends."""
    limits = limits or Limits()
    exposed = _exposures(readable)
    if warm and kind != "exec":
        with _servers_lock:
            server = _servers.get(kind)
            if server is None or not server.suits(exposed, limits):
                if server is not None:  # another thread's job may still run on it: discarded once it is free
                    threading.Thread(target=_discard_when_free, args=(server,), daemon=True).start()
                server = ForkServer(kind, exposed | (server.exposed if server else frozenset()), limits)
                _servers[kind] = server
        with server.lock:
            if not server.suits(exposed, limits):
                server.close()
                server.start()
            job = Job(server, limits, side or kind)
            try:
                yield job
            finally:
                shutil.rmtree(job.scratch, ignore_errors=True)
        return
    server = ForkServer(kind, exposed, limits, once=True, no_torch=no_torch)
    server.start()
    job = Job(server, limits, side or kind)
    try:
        yield job
    finally:
        server.discard()


def _discard_when_free(server: ForkServer) -> None:
    with server.lock:
        server.discard()


def run_command(
    argv: list[str],
    limits: Limits | None = None,
    readable=(),
    stdin_files: dict[str, bytes] | None = None,
    keep: list[str] = (),
    no_torch: bool = False,
) -> tuple[SandboxResult, dict[str, bytes]]:
    """Run any command in a fresh sandbox (cwd: its scratch folder, where `stdin_files` are written first).
    Returns the result and the bytes of the scratch files named in `keep` that the command wrote. `no_torch`:
    the installed torch packages are hidden (a JAX translation must not use PyTorch)."""
    with sandbox_job("exec", limits, readable=readable, warm=False, no_torch=no_torch) as job:
        for name, data in (stdin_files or {}).items():
            (job.scratch / name).write_bytes(data)
        result = job.run(argv)
        kept = {}
        for name in keep:
            path = job.scratch / name
            if path.is_file() and not path.is_symlink():
                kept[name] = path.read_bytes()
        return result, kept


def run_sandboxed(args: list[str], workdir: Path, timeout_s: float, memory_limit_mb: int) -> SandboxResult:
    """Run `python -m module args...` (args[0] == "-m") in a fresh sandbox whose working and only writable folder
    is `workdir` (the caller's: it holds the job's inputs and receives its outputs). For callers that need one
    shared folder; `sandbox_job` gives each side its own."""
    if args[0] != "-m":
        raise ValueError("run_sandboxed runs a module: args must start with '-m'")
    workdir = Path(workdir).resolve()
    limits = Limits(timeout_s=timeout_s, memory_mb=memory_limit_mb)
    server = ForkServer("exec", frozenset(), limits, once=True, writable=(str(workdir),))
    server.start()
    try:
        return server.run(workdir, limits, "exec", [sys.executable, *args])
    finally:
        server.discard()


def close_servers() -> None:
    """Stop every warm server (their jobs with them) and remove this process's sandbox folder."""
    with _servers_lock:
        for server in _servers.values():
            server.discard()
        _servers.clear()
    if created_sandbox_root():
        shutil.rmtree(sandbox_root(), ignore_errors=True)


atexit.register(close_servers)
