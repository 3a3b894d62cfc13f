"""A warm interpreter that forks one sandboxed child per verification job.

Importing torch (~3 s) and jax (~2 s) dominates a verification. The fork server imports them once, without
running any operation (so no thread pools or XLA backends exist yet, which keeps fork safe), then for each job
line on stdin forks a child that moves into the job's folder, caps its memory, redirects its output to files,
and runs `t2j.verify.runner.main`. It reports `{"pid": ...}` when the child starts and
`{"pid": ..., "status": ...}` when it ends; the parent enforces the timeout by killing the child's process group.

Started as `python -m t2j.verify.forkserver torch|jax` with an already scrubbed environment.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

PRELOAD = {
    "torch": ["torch", "torch.nn", "torch.nn.functional", "t2j.verify.torch_side"],
    "jax": ["jax", "jax.numpy", "flax.nnx", "optax", "t2j.verify.jax_side", "t2j.verify.ir"],
}


def _child(job: dict) -> int:
    os.setsid()
    workdir = job["workdir"]
    os.chdir(workdir)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
        handle = os.open(os.path.join(workdir, f"{job['side']}.{name}"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(handle, fd)
    os.environ.update(HOME=workdir, TMPDIR=workdir)
    import resource
    import tempfile

    tempfile.tempdir = None
    limit = int(job["memory_limit_mb"]) * 1024 * 1024
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from t2j.verify.runner import main

    return main(job["side"], workdir)


def serve(kind: str) -> None:
    import importlib

    for module in PRELOAD[kind]:
        importlib.import_module(module)
    import t2j.verify.runner  # noqa: F401

    out = sys.stdout
    for line in sys.stdin:
        job = json.loads(line)
        out.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(job)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()
        _, status = os.waitpid(pid, 0)
        out.write(json.dumps({"pid": pid, "status": status}) + "\n")
        out.flush()


if __name__ == "__main__":
    serve(sys.argv[1])
