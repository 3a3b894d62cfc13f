"""Verify generated pairs in-process: forward outputs and VJPs w.r.t. every differentiable argument, JAX under
jit, compared with the verifier's `compare_trees`; IR of the forward and backward from the verifier's
`collect_ir`.

The pairs are produced by t2j's own grammars, so they are executed in-process (inside the synth worker
processes) rather than in the verifier's sandbox: the sandbox's per-call subprocesses would cost ~100x the time.

Each function is traced once (`jax.jit(f, keep_unused=True).trace`): the trace gives the output shapes, the jaxpr
and the lowering for the HLO/StableHLO text. Several candidates are run in one jitted call (one XLA compilation
for a batch); a batch that fails as a whole is retried one candidate at a time. The batch is fixed by candidate
indices, never by the number of workers, so results do not depend on `--workers`.

Compilation: XLA's CPU compile time, not the arithmetic, bounds throughput (these programs run in
microseconds). The checked programs are compiled with XLA's default options on purpose: the options that make
compiling several times cheaper change the numbers. LLVM at optimization level 0 (compile ~4x cheaper) gives
last-bit differences, which flipped the verdict on 5 of 10,000 candidates (e.g. where `jnp.hypot`'s gradient
breaks a tie by exact float equality), and XLA's classic elemental emitter (~2x cheaper) changed 22 of 788
output arrays by up to 2e-5 relative. A row must hold for the JAX code as users run it, so neither is used.
"""

from __future__ import annotations

import math
import signal
import threading
from contextlib import contextmanager
from typing import Any, Callable

import numpy as np
from pydantic import BaseModel, Field

from t2j.synth.program import InputSpec, Program
from t2j.verify.compare import compare_trees, flatten
from t2j.verify.ir import collect_ir
from t2j.verify.report import Check, Tolerances
from t2j.verify.torch_side import cotangent

ALL_IR = ("jaxpr", "hlo", "stablehlo")


class CheckResult(BaseModel):
    """The verdict on one candidate, with its IR when it passed."""

    ok: bool
    stage: str = ""  # where it failed: "torch", "jax", "forward", "backward"
    error: str | None = None
    max_abs_err: float = 0.0
    grad_max_abs_err: float = 0.0
    output_shapes: list[list[int]] = Field(default_factory=list)
    output_dtypes: list[str] = Field(default_factory=list)
    ir: dict[str, str] = Field(default_factory=dict)  # jaxpr/hlo/stablehlo/grad_jaxpr/grad_hlo/grad_stablehlo
    op_counts: dict[str, dict[str, dict[str, int]]] = Field(default_factory=dict)  # forward/backward -> IR op counts


def _derive_key(key, derive: str):
    import jax

    if derive.startswith("fold_in:"):
        return jax.random.fold_in(key, int(derive.split(":")[1]))
    if derive.startswith("split:"):
        return jax.random.split(key)[int(derive.split(":")[1])]
    return key


def make_inputs(specs: list[InputSpec], seed: int) -> tuple[list[np.ndarray], list[Any]]:
    """(values for torch as float32/int32 numpy arrays, values for JAX) drawn from `seed`.

    A PRNG key argument becomes a typed JAX key on the JAX side and, on the torch side, the very numbers JAX
    draws from it (the noise the torch function takes instead of the key)."""
    import jax
    import jax.numpy as jnp

    rng = np.random.default_rng(seed)
    torch_values, jax_values = [], []
    for spec in specs:
        shape = tuple(spec.shape)
        if spec.kind == "key":
            key = jax.random.key(int(rng.integers(0, 2**31 - 1)))
            drawn = _derive_key(key, spec.derive)
            sample = jax.random.uniform if spec.draw == "uniform" else jax.random.normal
            torch_values.append(np.asarray(sample(drawn, shape, jnp.float32)))
            jax_values.append(key)
            continue
        if spec.kind == "int":
            value = rng.integers(spec.low, spec.high, size=shape).astype(np.int32)
        elif spec.kind == "positive":
            value = rng.uniform(0.5, 2.0, size=shape).astype(np.float32)
        elif spec.kind == "uniform":
            value = rng.uniform(0.0, 1.0, size=shape).astype(np.float32)
        else:
            value = rng.standard_normal(size=shape).astype(np.float32)
        torch_values.append(value)
        # numpy arrays, not jnp.asarray: eager conversion would compile a tiny XLA program per shape
        jax_values.append(value.astype(jnp.bfloat16) if spec.dtype == "bfloat16" else value)
    return torch_values, jax_values


def _load(code: str, name: str, label: str) -> Callable:
    namespace: dict[str, Any] = {"__name__": f"t2j_synth_{label}"}
    exec(compile(code, f"<synth {label}>", "exec"), namespace)
    return namespace[name]


def _np(value) -> np.ndarray:
    import torch

    if isinstance(value, torch.Tensor):
        value = value.detach()
        if value.dtype == torch.bfloat16:
            value = value.float()
        return value.numpy().copy()
    array = np.asarray(value)
    if str(array.dtype) == "bfloat16":
        array = array.astype(np.float32)
    return array


def _dtype_name(value) -> str:
    import torch

    if isinstance(value, torch.Tensor):
        return str(value.dtype).replace("torch.", "")
    return str(np.asarray(value).dtype) if not hasattr(value, "dtype") else str(value.dtype)


def _same_dtype(torch_dtype: str, jax_dtype: str) -> bool:
    if torch_dtype == jax_dtype:
        return True
    return {torch_dtype, jax_dtype} <= {"int32", "int64"}  # JAX runs without x64: int64 results are int32


class _Prepared:
    """One candidate after its torch run and JAX tracing, waiting for the jitted JAX run."""

    def __init__(self, program: Program, fn, args, diff_pos, torch_out, torch_grads, tol):
        import jax

        self.program, self.fn, self.args, self.diff_pos = program, fn, args, diff_pos
        self.torch_out, self.torch_grads, self.tol = torch_out, torch_grads, tol
        self.ct_tree = None
        self.result = CheckResult(ok=False)
        # the recorded forward and backward programs; the checked batch calls these very functions, so their
        # traces are reused (JAX caches a jitted function's trace by argument types)
        self.forward = jax.jit(fn, keep_unused=True)
        self.backward = jax.jit(self.backward_fn(), keep_unused=True)

    def backward_fn(self):
        """The backward computation whose IR is recorded: all args plus the cotangent in, the VJP w.r.t. the
        differentiable args out."""
        import jax

        def backward(*args_and_ct):
            *args, ct_tree = args_and_ct

            def on_diff(*diff):
                full = list(args)
                for position, value in zip(self.diff_pos, diff):
                    full[position] = value
                return self.fn(*full)

            _, vjp = jax.vjp(on_diff, *[args[i] for i in self.diff_pos])
            return vjp(ct_tree)

        return backward

    def both(self, args, ct_tree):
        """(outputs, VJP) from the recorded forward and backward programs -- what the checked batch runs."""
        return self.forward(*args), self.backward(*args, ct_tree)


def _run_torch(program: Program, torch_values: list[np.ndarray], seed: int):
    import torch

    fn = _load(program.torch_code, program.name, "torch")
    args = []
    for spec, value in zip(program.inputs, torch_values):
        tensor = torch.from_numpy(value.copy())
        if spec.dtype == "bfloat16":
            tensor = tensor.to(torch.bfloat16)
        if spec.is_differentiable:
            tensor.requires_grad_(True)
        args.append(tensor)
    out = fn(*args)
    leaves = flatten(out)
    if not leaves or not all(isinstance(v, torch.Tensor) and v.is_floating_point() for _, v in leaves):
        raise TypeError("every output must be a floating tensor")
    cts = {path: cotangent(path, tuple(v.shape), np.float32, seed) for path, v in leaves}
    diff = [a for a, s in zip(args, program.inputs) if s.is_differentiable]
    needs = [(v, torch.from_numpy(cts[p]).to(v.dtype)) for p, v in leaves if v.requires_grad]
    if needs:
        grads = torch.autograd.grad([v for v, _ in needs], diff, grad_outputs=[c for _, c in needs], allow_unused=True)
    else:
        grads = [None] * len(diff)
    grads = [torch.zeros_like(a) if g is None else g for a, g in zip(diff, grads)]
    return leaves, cts, grads


def _prepare(program: Program, seed: int, tol: Tolerances, kinds: tuple[str, ...]) -> _Prepared | CheckResult:
    import jax

    try:
        torch_values, jax_values = make_inputs(program.inputs, seed)
        leaves, cts, grads = _run_torch(program, torch_values, seed)
    except Exception as exc:  # noqa: BLE001 -- a failing candidate is a rejection, not a crash
        return CheckResult(ok=False, stage="torch", error=f"{type(exc).__name__}: {exc}"[:500])
    try:
        fn = _load(program.jax_code, program.name, "jax")
        diff_pos = [i for i, s in enumerate(program.inputs) if s.is_differentiable]
        prepared = _Prepared(program, fn, jax_values, diff_pos, {p: v for p, v in leaves}, grads, tol)
        forward_trace = prepared.forward.trace(*jax_values)
        flat_shapes, treedef = jax.tree.flatten(forward_trace.out_info)
        paths = [p for p, _ in flatten(jax.tree.unflatten(treedef, list(range(len(flat_shapes)))))]
        if sorted(paths) != sorted(cts):
            return CheckResult(
                ok=False, stage="forward", error=f"output structure differs: torch {sorted(cts)}, JAX {sorted(paths)}"
            )
        ct_leaves = [cts[p].astype(s.dtype) for p, s in zip(paths, flat_shapes)]
        ct_tree = prepared.ct_tree = jax.tree.unflatten(treedef, ct_leaves)
        result = prepared.result
        for path, spec in zip(paths, flat_shapes):
            result.output_shapes.append(list(spec.shape))
            result.output_dtypes.append(str(spec.dtype))
            torch_shape = list(prepared.torch_out[path].shape)
            if torch_shape != list(spec.shape):
                return CheckResult(
                    ok=False,
                    stage="forward",
                    error=f"output {path or 'output'}: shape mismatch: torch {torch_shape} vs JAX {list(spec.shape)}",
                )
            torch_dtype = _dtype_name(prepared.torch_out[path])
            if not _same_dtype(torch_dtype, str(spec.dtype)):
                return CheckResult(
                    ok=False, stage="forward", error=f"output dtype differs: torch {torch_dtype}, JAX {spec.dtype}"
                )
        backward_trace = prepared.backward.trace(*jax_values, ct_tree)
        if kinds:
            forward_ir = collect_ir(fn, *jax_values, kinds=kinds, traced=forward_trace)
            backward_ir = collect_ir(prepared.backward, *jax_values, ct_tree, kinds=kinds, traced=backward_trace)
    except Exception as exc:  # noqa: BLE001
        return CheckResult(ok=False, stage="jax", error=f"{type(exc).__name__}: {exc}"[:500])
    if kinds:
        for kind in kinds:
            result.ir[kind] = getattr(forward_ir, kind)
            result.ir[f"grad_{kind}"] = getattr(backward_ir, kind)
        result.op_counts = {"forward": forward_ir.op_counts, "backward": backward_ir.op_counts}
    return prepared


def _judge(prepared: _Prepared, out, grads) -> CheckResult:
    result = prepared.result
    program = prepared.program
    expected = {p: _np(v) for p, v in prepared.torch_out.items()}
    actual = {p: _np(v) for p, v in flatten(out)}
    forward: Check = compare_trees("forward", expected, actual, prepared.tol)
    diff_names = [program.inputs[i].name for i in prepared.diff_pos]
    backward: Check = compare_trees(
        "backward",
        {n: _np(g) for n, g in zip(diff_names, prepared.torch_grads)},
        {n: _np(g) for n, g in zip(diff_names, grads)},
        prepared.tol,
    )
    result.max_abs_err = forward.max_abs_err
    result.grad_max_abs_err = backward.max_abs_err
    if not forward.ok:
        bad = next(t for t in forward.tensors if not t.ok)
        result.stage, result.error = (
            "forward",
            f"{bad.name}: {bad.problem or f'max abs err {bad.max_abs_err:.3g} > {bad.limit:.3g}'}",
        )
    elif not backward.ok:
        bad = next(t for t in backward.tensors if not t.ok)
        result.stage, result.error = (
            "backward",
            f"grad {bad.name}: {bad.problem or f'max abs err {bad.max_abs_err:.3g} > {bad.limit:.3g}'}",
        )
    else:
        result.ok = True
    if not result.ok:
        result.ir, result.op_counts = {}, {}
    if not (math.isfinite(result.max_abs_err) and math.isfinite(result.grad_max_abs_err)):
        result.max_abs_err = min(result.max_abs_err, 1e300)
        result.grad_max_abs_err = min(result.grad_max_abs_err, 1e300)
    return result


def _run_jitted(fn, *args):
    """`jax.jit(fn)(*args)` with its results ready (default compile options: see the module docstring)."""
    import jax

    return jax.block_until_ready(jax.jit(fn)(*args))


class CandidateTimeout(BaseException):
    """Raised (from SIGALRM) when a candidate runs past its time limit. A BaseException, so that the broad
    `except Exception` that turns a candidate's own errors into rejections does not swallow it."""


@contextmanager
def time_limit(seconds: float | None):
    """Raise `CandidateTimeout` in this (main) thread once `seconds` of wall time have passed; no limit for None/0
    or off the main thread. A watchdog thread signals the main thread itself (a process-wide alarm could land in
    one of XLA's or torch's threads and not wake a sleeping main thread), and again every second in case the
    exception was swallowed (e.g. raised inside a gc callback). This interrupts Python code: a loop in a grammar's
    torch or JAX function, a sleep. A hang inside native code that never returns to Python is left to the
    parent's hard limit (engine._Pool)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    done = threading.Event()
    target = threading.main_thread().ident

    def expire(signum, frame):
        if not done.is_set():
            raise CandidateTimeout(f"no verdict within {seconds:g} s")

    def watchdog():
        if done.wait(seconds):
            return
        while not done.is_set():
            signal.pthread_kill(target, signal.SIGALRM)
            done.wait(1.0)

    previous = signal.signal(signal.SIGALRM, expire)
    thread = threading.Thread(target=watchdog, name="t2j-synth-time-limit", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        signal.signal(signal.SIGALRM, previous)


def _timed_out(exc: CandidateTimeout) -> CheckResult:
    return CheckResult(ok=False, stage="timeout", error=str(exc))


def check_batch(
    items: list[tuple[Program, int]], tol: Tolerances, kinds=ALL_IR, timeout_s: float | None = None
) -> list[CheckResult]:
    """Verify (program, input seed) pairs; one jitted call runs all of them. With `timeout_s`, a candidate that
    takes longer than that (to run torch, trace and lower, or to compile and run alone) is rejected with stage
    "timeout" and the others go on."""
    import jax.numpy  # noqa: F401 -- never first imported under a time limit: a half-done import breaks the process
    import torch  # noqa: F401

    kinds = tuple(k for k in ALL_IR if k in kinds)
    prepared: list[_Prepared | CheckResult] = []
    for program, seed in items:
        item_tol = Tolerances(
            rtol=program.rtol if program.rtol is not None else tol.rtol,
            atol=program.atol if program.atol is not None else tol.atol,
        )
        try:
            with time_limit(timeout_s):
                item = _prepare(program, seed, item_tol, kinds)
        except CandidateTimeout as exc:
            item = _timed_out(exc)
        prepared.append(item)
    live = [p for p in prepared if isinstance(p, _Prepared)]
    outcomes: dict[int, tuple[Any, Any] | Exception | CandidateTimeout] = {}
    if live:
        try:
            with time_limit(timeout_s and timeout_s * len(live)):
                outcomes = dict(
                    zip(
                        [id(p) for p in live],
                        _run_jitted(
                            lambda packs: [p.both(*pack) for p, pack in zip(live, packs)],
                            [(p.args, p.ct_tree) for p in live],
                        ),
                    )
                )
        except (Exception, CandidateTimeout):  # noqa: BLE001 -- find the culprit one at a time
            for p in live:
                try:
                    with time_limit(timeout_s):
                        outcomes[id(p)] = _run_jitted(p.both, p.args, p.ct_tree)
                except (Exception, CandidateTimeout) as exc:  # noqa: BLE001
                    outcomes[id(p)] = exc
    final = []
    for p in prepared:
        if isinstance(p, CheckResult):
            final.append(p)
            continue
        outcome = outcomes[id(p)]
        if isinstance(outcome, CandidateTimeout):
            final.append(_timed_out(outcome))
            continue
        if isinstance(outcome, Exception):
            final.append(CheckResult(ok=False, stage="jax", error=f"{type(outcome).__name__}: {outcome}"[:500]))
            continue
        try:
            final.append(_judge(p, *outcome))
        except Exception as exc:  # noqa: BLE001
            final.append(CheckResult(ok=False, stage="compare", error=f"{type(exc).__name__}: {exc}"[:500]))
    return final


def check_program(program: Program, seed: int, tol: Tolerances | None = None, kinds=ALL_IR) -> CheckResult:
    """Verify one pair (see `check_batch`)."""
    return check_batch([(program, seed)], tol or Tolerances(), kinds)[0]
