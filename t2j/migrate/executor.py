"""Where the per-file and per-module work runs: local worker processes, or Ray tasks.

An executor maps a function over work items and yields (item, result) as each finishes, in any order; the
caller (the only writer of the state file) records each result as it arrives.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from t2j.errors import BadInput

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)


def die_with_parent() -> None:
    """Worker initializer: the kernel kills the worker when t2j dies, even by SIGKILL (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class LocalExecutor:
    """`workers` local processes (spawned, so that no torch/jax state is inherited)."""

    name = "local"

    def __init__(self, workers: int = 1):
        if workers < 1:
            raise BadInput("--workers must be at least 1")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, initializer=die_with_parent, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def map_unordered(self, fn: Callable, items: Iterable, *args) -> Iterator[tuple[object, object]]:
        pool = self._ensure_pool()
        pending = list(items)
        futures = {}
        # keep a bounded number of tasks in flight so that a kill loses little and memory stays flat
        while pending or futures:
            while pending and len(futures) < 2 * self.workers:
                item = pending.pop(0)
                futures[pool.submit(fn, item, *args)] = item
            done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
            for future in done:
                item = futures.pop(future)
                try:
                    yield item, future.result()
                except Exception as exc:  # a worker died (e.g. killed for memory)
                    yield item, exc
                    if "BrokenProcessPool" in type(exc).__name__:
                        self.close()
                        pool = self._ensure_pool()
                        for other, it in list(futures.items()):
                            futures.pop(other)
                            pending.insert(0, it)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class RayExecutor:
    """Ray tasks: a local Ray instance with `workers` CPUs, or an existing cluster at `address`
    (then t2j is shipped to the workers with the job's runtime environment)."""

    name = "ray"

    def __init__(self, workers: int = 1, address: str | None = None):
        try:
            import ray
        except ImportError:
            raise BadInput("--executor ray needs Ray: pip install 't2j[ray]'") from None
        self.ray = ray
        self.workers = workers
        self._started = False
        if not ray.is_initialized():
            env = {
                "PYTHONPATH": os.pathsep.join(
                    [_PACKAGE_ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
                )
            }
            runtime_env = {"env_vars": env}
            if address:
                runtime_env["py_modules"] = [str(Path(_PACKAGE_ROOT) / "t2j")]
                ray.init(address=address, runtime_env=runtime_env, log_to_driver=False)
            else:
                ray.init(
                    num_cpus=workers,
                    include_dashboard=False,
                    log_to_driver=False,
                    runtime_env=runtime_env,
                    configure_logging=False,
                )
            self._started = True

    def map_unordered(self, fn: Callable, items: Iterable, *args) -> Iterator[tuple[object, object]]:
        ray = self.ray
        remote = ray.remote(num_cpus=1, max_retries=1)(_call)
        refs = {remote.remote(fn, item, *args): item for item in items}
        while refs:
            done, _ = ray.wait(list(refs), num_returns=1)
            for ref in done:
                item = refs.pop(ref)
                try:
                    yield item, ray.get(ref)
                except Exception as exc:
                    yield item, exc

    def close(self) -> None:
        if self._started:
            self.ray.shutdown()
            self._started = False


def _call(fn, *args):
    try:
        return fn(*args)
    except Exception:
        raise RuntimeError(traceback.format_exc(limit=-5)) from None


def make_executor(kind: str, workers: int, address: str | None = None):
    if kind == "local":
        return LocalExecutor(workers)
    if kind == "ray":
        return RayExecutor(workers, address)
    raise BadInput(f"unknown --executor '{kind}'; use local or ray")
