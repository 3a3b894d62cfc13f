"""The trusted runner: executes the programs a JAX translation exported, on inputs it never saw.

Runs sandboxed (bubblewrap, no torch) but imports only t2j, jax and numpy: no user code. For each serialized
`jax.export` program it deserializes it, rejects programs that could reach the host (host callbacks or any
custom call outside JAX's own stable list, infeed/outfeed/send/recv, side effects, no CPU lowering), checks its
signature against the arrays the parent supplied (the torch inputs, the torch weights in the JAX layout, the
cotangents), compiles and runs it under jit, and times the forward. This process alone writes the JAX
compilation cache, keyed by the compiled program.
"""

from __future__ import annotations

import re
import statistics
import time

import numpy as np

from t2j.verify.bundle import Bundle

_CUSTOM_CALL = re.compile(r"custom_call\s*@([\w.$\-]+)|call_target_name\s*=\s*\"([^\"]*)\"")
_HOST_OPS = re.compile(r"\b(?:stablehlo|mhlo)\.(infeed|outfeed|send|recv)\b")
# Never allowed even though JAX lists them as stable: they leave XLA (TensorFlow) or need other devices.
_DENIED_TARGETS = {"tf.call_tf_function", "tpu_custom_call", "mosaic_gpu_v2"}


class ProgramRejected(Exception):
    """An exported program the runner refuses to execute."""


def allowed_targets() -> set[str]:
    from jax._src.export import _export

    return set(_export._CUSTOM_CALL_TARGETS_GUARANTEED_STABLE) - _DENIED_TARGETS


def check_program(name: str, exported) -> None:
    """Raise ProgramRejected unless `exported` is a pure XLA computation that can run on CPU."""
    text = exported.mlir_module()
    allowed = allowed_targets()
    targets = {a or b for a, b in _CUSTOM_CALL.findall(text)}
    bad = sorted(t for t in targets if t not in allowed)
    if bad:
        kind = (
            "a host callback"
            if any("callback" in t.lower() or "py" in t.lower() for t in bad)
            else "a custom call outside JAX's stable set"
        )
        raise ProgramRejected(
            f"HostCallbackRejected: the exported {name} program contains {kind} ({', '.join(bad)}): "
            "the verified computation must be pure XLA (no jax.pure_callback/io_callback/debug "
            "callbacks, no calls into other frameworks)"
        )
    host = sorted(set(_HOST_OPS.findall(text)))
    if host:
        raise ProgramRejected(
            f"HostCallbackRejected: the exported {name} program talks to the host ({', '.join(host)})"
        )
    if exported.ordered_effects or exported.unordered_effects:
        raise ProgramRejected(
            f"HostCallbackRejected: the exported {name} program has side effects "
            f"({list(exported.ordered_effects) + list(exported.unordered_effects)})"
        )
    if "cpu" not in exported.platforms:
        raise ProgramRejected(f"the exported {name} program was lowered for {exported.platforms}, not cpu")


def _check_signature(name: str, exported, args) -> None:
    import jax

    flat = jax.tree_util.tree_leaves(args)
    avals = exported.in_avals
    if len(flat) != len(avals):
        raise ProgramRejected(
            f"SignatureMismatch: the {name} program takes {len(avals)} arrays, the job has {len(flat)}"
        )
    for index, (array, aval) in enumerate(zip(flat, avals)):
        if tuple(np.shape(array)) != tuple(aval.shape) or np.dtype(array.dtype) != np.dtype(aval.dtype):
            raise ProgramRejected(
                f"SignatureMismatch: argument {index} of the {name} program is {aval.str_short()}, "
                f"the job's is {np.dtype(array.dtype).name}{list(np.shape(array))}"
            )


def load(name: str, blob: bytes):
    import jax

    try:
        exported = jax.export.deserialize(bytearray(blob))
    except Exception as exc:  # noqa: BLE001 -- whatever the bytes are, the verdict is "not a program"
        raise ProgramRejected(
            f"the {name} program is not a valid jax.export serialization: {type(exc).__name__}: {str(exc)[:200]}"
        ) from None
    check_program(name, exported)
    return exported


def _ir(exported, lowered) -> dict:
    from t2j.verify.ir import hlo_op_counts, stablehlo_op_counts

    stablehlo = exported.mlir_module()
    hlo = lowered.as_text(dialect="hlo")
    return {
        "hlo": hlo,
        "stablehlo": stablehlo,
        "op_counts": {"hlo": hlo_op_counts(hlo), "stablehlo": stablehlo_op_counts(stablehlo)},
    }


def _run(name: str, blob: bytes, args: tuple, out: Bundle, timing_runs: int = 0, collect_ir: bool = False):
    import jax

    exported = load(name, blob)
    _check_signature(name, exported, args)
    jitted = jax.jit(exported.call)
    start = time.perf_counter()
    lowered = jitted.lower(*args)
    compiled = lowered.compile()
    result = jax.block_until_ready(compiled(*args))
    if timing_runs:
        out.meta["compile_s"] = time.perf_counter() - start
        times = []
        for _ in range(max(timing_runs, 1)):
            began = time.perf_counter()
            jax.block_until_ready(compiled(*args))
            times.append(time.perf_counter() - began)
        out.meta["jax_jit_s"] = statistics.median(times)
    if collect_ir:
        out.meta[f"ir_{name}"] = _ir(exported, lowered)
    return result


def run_programs(job: Bundle, programs: dict[str, bytes]) -> Bundle:
    """Run the forward, vjp and train programs of a module job (see t2j.verify.jax_side for their signatures)."""
    import jax

    meta = job.meta
    if meta.get("float64"):
        jax.config.update("jax_enable_x64", True)
    group = lambda prefix, n: [job.arrays[f"{prefix}/{i}"] for i in range(n)]  # noqa: E731
    params = group("param", meta["n_params"])
    rest = group("rest", meta["n_rest"])
    arrays = group("input", meta["n_arrays"])
    out = Bundle()
    forward = _run(
        "forward",
        programs["forward"],
        (params, rest, arrays),
        out,
        meta.get("timing_runs", 7),
        meta.get("collect_ir", True),
    )
    out.put_group("out_eval", {str(i): np.asarray(v) for i, v in enumerate(forward)})
    if "vjp" in programs:
        try:
            float_pos, other_pos = meta["float_pos"], meta["other_pos"]
            cots = group("cot", meta["n_cots"])
            grads = _run(
                "backward",
                programs["vjp"],
                (params, [arrays[k] for k in float_pos], [arrays[k] for k in other_pos], rest, cots),
                out,
                collect_ir=meta.get("collect_ir", True),
            )
            grad_params, grad_inputs = grads
            out.put_group("grad_param", {str(i): np.asarray(v) for i, v in enumerate(grad_params)})
            out.put_group("grad_input", {str(i): np.asarray(v) for i, v in enumerate(grad_inputs)})
        except ProgramRejected:
            raise
        except Exception as exc:  # noqa: BLE001 -- a failed backward check, the forward verdict stands
            out.meta["backward_error"] = f"{type(exc).__name__}: {exc}"[:4000]
    if "train" in programs:
        try:
            variables = group("variable", meta["n_variables"])
            outputs, after = _run("train", programs["train"], (variables, arrays), out)
            out.put_group("out_train", {str(i): np.asarray(v) for i, v in enumerate(outputs)})
            out.put_group("state_train", {str(i): np.asarray(v) for i, v in enumerate(after)})
        except ProgramRejected:
            raise
        except Exception as exc:  # noqa: BLE001
            out.meta["train_error"] = f"{type(exc).__name__}: {exc}"[:4000]
    return out
