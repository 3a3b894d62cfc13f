"""A warm interpreter that forks one child per sandboxed job and watches it (trusted code only).

Importing torch (~3 s) and jax (~2 s) dominates a verification. The fork server imports them once, without
running any operation (no thread pools or XLA backends exist yet, which keeps fork safe), then for each job line
on stdin forks a child that moves into the job's scratch folder, closes every inherited descriptor, takes its
rlimits, redirects its output to files there (capped by RLIMIT_FSIZE) and runs `t2j.verify.runner.main`
(kind "exec": replaces itself with the job's command). While the child runs, the server enforces the job's
time limit, the total resident memory and the task count of *all* processes but itself; when the child ends
(or is killed) it kills every other process it can see, so nothing a job started survives into the next job.

Started by t2j.verify.sandbox as `python -m t2j.verify.forkserver KIND [--isolated]`; `--isolated` means it runs
inside its own bubblewrap PID namespace (so `kill(-1)` reaches exactly the jobs' processes), and it refuses that
mode otherwise. Protocol: a JSON job line in; `{"started": true}` then `{"status": ..., "reason": ...}` out.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import time
import traceback

PRELOAD = {
    "torch": ["numpy", "torch", "torch.nn", "torch.nn.functional", "t2j.verify.torch_side", "t2j.verify.training_side"],
    "jax": [
        "numpy",
        "jax",
        "jax.numpy",
        "jax.export",
        "flax.nnx",
        "optax",
        "t2j.verify.jax_side",
        "t2j.verify.training_side",
        "t2j.verify.training_capture",
    ],
    "runner": ["numpy", "jax", "jax.numpy", "jax.export", "t2j.verify.program_runner", "t2j.verify.training_replay"],
    "exec": [],
}
BLOCKED_IN = {"jax", "runner"}  # kinds in which importing torch is an error
_PAGE = os.sysconf("SC_PAGE_SIZE")


class TorchBlocker:
    """A meta-path finder that refuses torch in the JAX side: a translation that needs torch is not one."""

    BLOCKED = ("torch", "functorch", "torchvision", "torchaudio", "torchgen", "triton")

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.BLOCKED:
            raise ImportError(
                f"TorchImportBlocked: the JAX translation imports '{name}'; the JAX side must not "
                "use PyTorch (translate that code to JAX, or keep it out of the translated file)"
            )
        return None


def _set_limits(job: dict) -> None:
    import resource

    memory = int(job.get("memory_mb", 0)) * 2**20
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    output = int(job.get("output_mb", 0)) * 2**20
    if output > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    processes = int(job.get("processes", 0))
    if processes > 0:
        try:
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
        except (ValueError, OSError):
            pass


def _child(kind: str, job: dict) -> int:
    os.setsid()
    scratch = job["scratch"]
    os.chdir(scratch)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
        handle = os.open(os.path.join(scratch, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(handle, fd)
    os.closerange(3, 65536)  # the server's protocol pipes among them: a job cannot talk to t2j
    os.environ.update(HOME=scratch, TMPDIR=scratch, XDG_CACHE_HOME=scratch)
    import tempfile

    tempfile.tempdir = None
    _set_limits(job)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it: over the output limit is a kill
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if kind == "exec":
        argv = job["argv"]
        os.execvpe(argv[0], argv, dict(os.environ, **job.get("env", {})))
    if kind in BLOCKED_IN:
        sys.meta_path.insert(0, TorchBlocker())
    from t2j.verify.runner import main

    return main(job["side"], scratch)


def _others(isolated: bool, root_pid: int) -> list[int]:
    """Processes of the current job: in a private PID namespace every process but init and the server,
    otherwise the job's descendants."""
    me = os.getpid()
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    if isolated:
        return [p for p in pids if p not in (1, me)]
    parents, sessions = {}, {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[pid], sessions[pid] = int(fields[1]), int(fields[3])
        except (OSError, IndexError, ValueError):
            continue
    family = {root_pid} | {pid for pid, sid in sessions.items() if sid == root_pid}
    frontier = list(family)
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in family:
                family.add(pid)
                frontier.append(pid)
    return [p for p in family if p in parents]


def _usage(pids: list[int]) -> tuple[int, int]:
    """(resident bytes, tasks) summed over `pids` (shared pages counted in every process: conservative)."""
    rss = tasks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                rss += int(handle.read().split()[1]) * _PAGE
            tasks += len(os.listdir(f"/proc/{pid}/task"))
        except (OSError, IndexError, ValueError):
            continue
    return rss, tasks


def _kill_all(isolated: bool, root_pid: int) -> None:
    """Kill every process of the job (daemons and setsid children included) and reap the server's own."""
    for _ in range(100):
        victims = _others(isolated, root_pid)
        if not victims:
            break
        if isolated:
            try:
                os.kill(-1, signal.SIGKILL)  # every process of this PID namespace but init and the server
            except ProcessLookupError:
                pass
        else:
            for pid in victims:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        _reap()
        time.sleep(0.005)
    _reap()


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _watch(pid: int, job: dict, isolated: bool) -> dict:
    """Wait for the job's child, enforcing its time, total memory and task limits."""
    deadline = time.monotonic() + float(job.get("timeout_s", 300))
    memory = int(job.get("memory_mb", 0)) * 2**20
    processes = int(job.get("processes", 0))
    reason, peak, pause = None, 0, 0.005
    status = None
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if reason is None:
            rss, tasks = _usage(_others(isolated, pid))
            peak = max(peak, rss)
            if time.monotonic() > deadline:
                reason = "timeout"
            elif memory and rss > memory:
                reason = "memory"
            elif processes and tasks > processes:
                reason = "processes"
            if reason:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                _, status = os.waitpid(pid, 0)
                break
        time.sleep(pause)
        pause = min(pause * 1.5, 0.05)
    _kill_all(isolated, pid)
    return {"status": status, "reason": reason, "peak_mb": peak // 2**20}


def _run_child(kind: str, job: dict) -> None:
    code = 1
    try:
        code = _child(kind, job)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(kind: str, isolated: bool) -> None:
    import importlib

    if isolated and not (os.getppid() == 1 and os.getpid() <= 4):
        print("forkserver: --isolated outside a private PID namespace", file=sys.stderr)
        sys.exit(2)
    try:  # not dumpable: a job cannot ptrace the server or read its memory
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for module in PRELOAD[kind]:
        importlib.import_module(module)
    if kind != "exec":
        import t2j.verify.runner  # noqa: F401
    out = sys.stdout
    for line in sys.stdin:
        job = json.loads(line)
        out.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _run_child(kind, job)
        out.write(json.dumps({"started": True}) + "\n")
        out.flush()
        result = _watch(pid, job, isolated)
        out.write(json.dumps(result) + "\n")
        out.flush()
        if job.get("once"):
            break


if __name__ == "__main__":
    serve(sys.argv[1], "--isolated" in sys.argv[2:])
