"""Worker processes: each imports torch and jax once, pinned to one thread so that runs are reproducible and
two workers share a 2-core machine without oversubscription."""

from __future__ import annotations

import os
from typing import Callable

_SINGLE_THREAD_XLA = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def pin_threads() -> None:
    """Environment for a fresh process (before jax/torch are imported)."""
    flags = os.environ.get("XLA_FLAGS", "")
    if "intra_op_parallelism_threads" not in flags:
        os.environ["XLA_FLAGS"] = (flags + " " + _SINGLE_THREAD_XLA).strip()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")


def init_worker() -> None:
    pin_threads()
    import gc

    import jax  # noqa: F401 -- import once per worker
    import torch

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set in this process
        pass
    # tracing allocates many short-lived cyclic objects; with the default thresholds the collector rescans the
    # imported modules' objects over and over (~8 ms per candidate). Freeze those and collect less often.
    gc.collect()
    gc.freeze()
    gc.set_threshold(10000, 20, 20)
    reuse_mlir_context()


def reuse_mlir_context(every: int = 200) -> Callable[[], None] | None:
    """Let JAX's lowerings in this process share one MLIR context, renewed every `every` lowerings.

    JAX makes a fresh MLIR context, loading all its dialects (~3-4 ms), for every `lower()`; a worker lowers about
    three modules per candidate, which made this ~10% of a worker's time. The IR text does not depend on the
    context (tests/test_synth.py checks it). Renewing bounds the memory of attributes the context interns.
    This replaces a private JAX function, so it is done only in synth workers and skipped when the function is
    missing. Returns a function that restores the original, or None when nothing was changed."""
    try:
        from jax._src.interpreters import mlir

        original = mlir.make_ir_context
    except (ImportError, AttributeError):
        return None
    state: dict = {"uses": 0, "context": None}

    def shared_context():
        if state["context"] is None or state["uses"] >= every:
            state["context"], state["uses"] = original(), 0
        state["uses"] += 1
        return state["context"]

    mlir.make_ir_context = shared_context

    def restore() -> None:
        mlir.make_ir_context = original

    return restore


def versions() -> dict:
    """The versions and backend that the rows record (asked of a worker: the parent never imports jax/torch)."""
    import jax
    import jaxlib
    import torch

    import t2j

    return {
        "jax_version": jax.__version__,
        "jaxlib_version": jaxlib.__version__,
        "torch_version": torch.__version__,
        "t2j_version": t2j.__version__,
        "backend": jax.default_backend(),
    }


def run_batch(
    batch_no: int, items: list, rtol: float, atol: float, kinds: tuple[str, ...], timeout_s: float | None = None
):
    """Verify one batch: items are (index, Program, input seed). Returns (batch_no, [(index, CheckResult)])."""
    from t2j.synth.check import check_batch
    from t2j.verify.report import Tolerances

    results = check_batch(
        [(program, seed) for _, program, seed in items], Tolerances(rtol=rtol, atol=atol), kinds, timeout_s=timeout_s
    )
    return batch_no, [(index, result) for (index, _, _), result in zip(items, results)]
