"""How untrusted processes are isolated: the bubblewrap command line, the allow-list environment, cgroup limits.

Every process that runs code t2j did not write (the PyTorch reference, the JAX translation) and the trusted
runner that executes the translation's exported programs run under bubblewrap (`bwrap`):
- the host filesystem read-only; HOME, /tmp, /run, /var/tmp and every t2j scratch area hidden behind empty
  read-only tmpfs mounts, except the folders a job needs (its source folder, read-only) and its own scratch
  directory (read-write); secret files of the host (/etc/shadow ...) masked;
- no network, its own PID, IPC and UTS namespaces, a new session, no capabilities, uid 65534 inside;
- dies with its parent (t2j), so nothing it started outlives the run;
- an environment built from an allow-list: nothing of the caller's reaches it.
Total memory and process counts are capped by a cgroup (v1 memory+pids, or v2) when t2j may create one (root),
and always by the fork server's watchdog (t2j.verify.forkserver) and per-process rlimits.

Where bwrap is missing or cannot create namespaces, isolation is "weak" (plain child processes with rlimits and a
scrubbed environment) and every report says so; `Settings.require_isolation` turns that into an error.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import t2j
from t2j.errors import BadInput

if TYPE_CHECKING:
    from t2j.settings import Settings

PACKAGE_ROOT = Path(t2j.__file__).resolve().parent.parent
SANDBOX_UID = 65534
_SECRET_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers")
_HIDDEN_SYSTEM_DIRS = ("/tmp", "/var/tmp", "/run", "/var/run", "/dev/shm")


@dataclass(frozen=True)
class Isolation:
    """How strongly sandboxed children are isolated on this machine: "strong" (bwrap) or "weak" (and why)."""

    level: str
    reason: str = ""

    @property
    def strong(self) -> bool:
        return self.level == "strong"

    def describe(self) -> str:
        return self.level + (f" ({self.reason})" if self.reason else "")


@functools.lru_cache(maxsize=1)
def isolation() -> Isolation:
    """Probe once per process whether bwrap can build the sandbox (T2J_SANDBOX=weak forces the weak mode)."""
    if os.environ.get("T2J_SANDBOX", "") == "weak":
        return Isolation("weak", "T2J_SANDBOX=weak: no namespaces, no filesystem isolation")
    if not sys.platform.startswith("linux"):
        return Isolation("weak", f"bubblewrap needs Linux, this is {sys.platform}")
    binary = shutil.which("bwrap")
    if binary is None:
        return Isolation("weak", "bubblewrap (bwrap) is not installed: apt-get install bubblewrap")
    probe = subprocess.run(
        bwrap_command([], [], Path("/"), {"PATH": "/usr/bin:/bin"}) + ["/bin/true"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        return Isolation("weak", f"bwrap cannot create namespaces here: {probe.stderr.strip()[:200]}")
    return Isolation("strong")


def sandbox_root() -> Path:
    """One folder per t2j process holding every scratch directory; hidden inside every sandbox."""
    return _sandbox_root()


def sources_dir() -> Path:
    """Where t2j writes sources it verifies from strings: exposed read-only to every sandbox of this process."""
    folder = sandbox_root() / "sources"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def created_sandbox_root() -> bool:
    return _sandbox_root.cache_info().currsize > 0


@functools.lru_cache(maxsize=1)
def _sandbox_root() -> Path:
    base = Path(tempfile.gettempdir()) / "t2j-sandbox"
    base.mkdir(mode=0o700, exist_ok=True)
    _remove_stale(base)
    root = base / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    root.mkdir(mode=0o700)
    return root


def _remove_stale(base: Path) -> None:
    """Sandbox folders of t2j processes that are gone (killed with SIGKILL) and their cgroups."""
    for folder in base.iterdir():
        pid = folder.name.split("-")[0]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            shutil.rmtree(folder, ignore_errors=True)
    for hierarchy in ("/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids"):
        try:
            for folder in Path(hierarchy).glob("t2j-*"):
                pid = folder.name.split("-")[1]
                if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                    folder.rmdir()
        except OSError:
            continue


def hidden_dirs() -> list[str]:
    """Folders replaced by an empty read-only tmpfs in every sandbox (secrets, sockets, other jobs' files)."""
    hidden = [d for d in _HIDDEN_SYSTEM_DIRS if os.path.isdir(d) and not os.path.islink(d)]
    for candidate in (os.path.expanduser("~"), tempfile.gettempdir(), "/root"):
        real = os.path.realpath(candidate)
        if real not in ("/", "") and os.path.isdir(real) and not any(_under(real, h) for h in hidden):
            hidden.append(real)
    return hidden


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def exposure_for(path: str | Path) -> str | None:
    """The folder to bind read-only so that `path` is visible in a sandbox, or None if it already is.

    A path under a hidden folder H is exposed as H/<first component> (a project under HOME, pytest's
    /tmp/pytest-of-USER), never H itself: ~/.netrc, ~/.ssh and the sockets in /tmp stay hidden."""
    real = os.path.realpath(path)
    sources = str(sources_dir())
    if _under(real, sources):
        return sources
    base = str(sandbox_root().parent)
    if _under(real, base):  # never the sandbox area itself: other jobs' scratch folders are there
        return real if os.path.isdir(real) else os.path.dirname(real)
    for folder in hidden_dirs():
        if _under(real, folder) and real != folder:
            first = real[len(folder.rstrip("/")) + 1 :].split("/")[0]
            return os.path.join(folder, first)
    return None


def runtime_paths() -> list[str]:
    """What Python needs to run t2j, JAX and torch: the interpreter's prefixes, sys.path and PYTHONPATH."""
    paths = [sys.prefix, sys.base_prefix, str(PACKAGE_ROOT), os.path.dirname(os.path.realpath(sys.executable))]
    paths += [p for p in sys.path if p and os.path.isdir(p)]
    paths += [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.isdir(p)]
    return list(dict.fromkeys(os.path.realpath(p) for p in paths))


def torch_dirs() -> list[str]:
    """Installed torch packages, hidden from the JAX side (a translation must not need torch)."""
    found = []
    for entry in sys.path:
        for name in ("torch", "functorch", "torchgen"):
            candidate = os.path.join(entry, name)
            if os.path.isdir(candidate):
                found.append(os.path.realpath(candidate))
    return list(dict.fromkeys(found))


def _refusing_package() -> Path:
    folder = sandbox_root() / "no-torch"
    if not folder.is_dir():
        folder.mkdir(mode=0o755)
        (folder / "__init__.py").write_text(
            'raise ImportError("TorchImportBlocked: the JAX translation imports torch; the JAX side must not use '
            'PyTorch (translate that code to JAX, or keep it out of the translated file)")\n'
        )
    return folder


def sandbox_env(scratch: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a sandboxed process: an allow-list, nothing inherited from the caller."""
    python_path = [str(PACKAGE_ROOT)] + [
        os.path.realpath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
    ]
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": os.pathsep.join(dict.fromkeys(python_path)),
        "PYTHONDONTWRITEBYTECODE": "1",  # never write __pycache__ next to the user's files
        "PYTHONUNBUFFERED": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONNOUSERSITE": "1",
        "JAX_PLATFORMS": "cpu",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "XDG_CACHE_HOME": str(scratch),
        "TORCHINDUCTOR_CACHE_DIR": str(scratch / "torchinductor"),
    }
    env.update(extra or {})
    return env


def bwrap_command(
    readable: list[str], writable: list[str], cwd: Path, env: dict[str, str], hide: list[str] = ()
) -> list[str]:
    """The bwrap prefix of a sandboxed command (see the module docstring). `readable` folders under hidden ones
    are bound back read-only, `writable` ones read-write, `hide` adds folders to hide (torch, for the JAX side)."""
    hidden = hidden_dirs()
    root = str(sandbox_root())
    if not any(_under(root, h) for h in hidden):
        hidden.append(root)
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for folder in hidden:
        args += ["--tmpfs", folder]
    for folder in hide:  # replaced by a package that refuses to import (an empty folder imports as a namespace)
        args += ["--ro-bind", str(_refusing_package()), folder]
    for path in runtime_paths() + list(readable):
        if any(_under(path, h) for h in hidden) and os.path.exists(path):
            args += ["--ro-bind", path, path]
    bound = []
    for path in runtime_paths() + list(readable):
        if any(_under(path, h) for h in hidden) and os.path.exists(path):
            bound.append(path)
    for path in writable:
        args += ["--bind", path, path]
    # a hidden folder inside a folder bound back (HOME inside an exposed project...) is hidden again
    rehidden = [h for h in hidden if any(_under(h, b) and h != b for b in bound + list(writable))]
    for folder in rehidden:
        args += ["--tmpfs", folder]
    for secret in _SECRET_FILES:
        if os.path.isfile(secret):
            args += ["--ro-bind", "/dev/null", secret]
    for folder in hidden + rehidden:
        args += ["--remount-ro", folder]
    args += [
        "--unshare-all",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
        "--cap-drop",
        "ALL",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--chdir",
        str(cwd),
    ]
    for name, value in env.items():
        args += ["--setenv", name, value]
    return args


# ---------------------------------------------------------------------------------------------------------
# cgroups: a cap on the total memory and process count of one sandbox (all its processes together)


class Cgroup:
    """A memory+pids cgroup for one sandbox (v2, else v1), created only where t2j may write the hierarchy."""

    def __init__(self, name: str, memory_mb: int, processes: int):
        self.paths: list[Path] = []
        self.version = 0
        v2 = Path("/sys/fs/cgroup")
        v1_memory, v1_pids = v2 / "memory", v2 / "pids"
        try:
            if (v2 / "cgroup.controllers").exists() and "memory" in (v2 / "cgroup.subtree_control").read_text():
                folder = v2 / name
                folder.mkdir()
                self.paths, self.version = [folder], 2
                if memory_mb > 0:
                    (folder / "memory.max").write_text(str(memory_mb * 2**20))
                    (folder / "memory.swap.max").write_text("0")
                (folder / "pids.max").write_text(str(processes))
            elif v1_memory.is_dir() and v1_pids.is_dir():
                memory, pids = v1_memory / name, v1_pids / name
                memory.mkdir()
                self.paths, self.version = [memory], 1
                pids.mkdir()
                self.paths.append(pids)
                if memory_mb > 0:
                    (memory / "memory.limit_in_bytes").write_text(str(memory_mb * 2**20))
                (pids / "pids.max").write_text(str(processes))
        except OSError:
            self.remove()
            self.paths, self.version = [], 0

    @property
    def active(self) -> bool:
        return bool(self.paths)

    def add(self, pid: int) -> bool:
        try:
            for folder in self.paths:
                (folder / "cgroup.procs").write_text(str(pid))
            return True
        except OSError:
            return False

    def oom_kills(self) -> int:
        """How many processes the kernel killed for this cgroup's memory limit so far."""
        for folder in self.paths:
            for name in ("memory.events", "memory.oom_control"):
                try:
                    for line in (folder / name).read_text().splitlines():
                        key, _, value = line.partition(" ")
                        if key == "oom_kill":
                            return int(value)
                except (OSError, ValueError):
                    continue
        return 0

    def remove(self) -> None:
        for folder in self.paths:
            try:
                folder.rmdir()
            except OSError:
                pass


def require_isolation(settings: Settings) -> None:
    """Raise BadInput when `settings.require_isolation` is set and bubblewrap cannot sandbox here."""
    level = isolation()
    if settings.require_isolation and not level.strong:
        raise BadInput(f"--require-isolation: sandboxing is unavailable here ({level.reason})")
