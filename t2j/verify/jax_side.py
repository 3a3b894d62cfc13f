"""The JAX side: build the NNX module, port the torch weights, run forward and backward under jax.jit."""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from t2j.settings import Settings
from t2j.verify.bundle import Bundle
from t2j.verify.compare import flatten


def _decode(bundle: Bundle, prefix: str, described: list[dict], float64: bool) -> list[Any]:
    import jax.numpy as jnp

    values = []
    for index, item in enumerate(described):
        if item["kind"] == "array":
            array = bundle.arrays[f"{prefix}/{index}"]
            if np.issubdtype(array.dtype, np.floating):
                array = array.astype(np.float64 if float64 else array.dtype)
            values.append(jnp.asarray(array))
        else:
            values.append(item["value"])
    return values


def _pure_paths(tree) -> dict[str, np.ndarray]:
    """Flatten an nnx.State (or pure dict) into {dotted path: numpy array}."""
    import jax
    from flax import nnx

    pure = nnx.to_pure_dict(tree) if isinstance(tree, nnx.State) else tree
    flat, _ = jax.tree_util.tree_flatten_with_path(pure)
    return {".".join(str(getattr(k, "key", getattr(k, "idx", k))) for k in path): np.asarray(v) for path, v in flat}


def _median_time(fn, *args, runs: int) -> float:
    import jax

    jax.block_until_ready(fn(*args))
    times = []
    for _ in range(max(runs, 1)):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _error_text(exc: BaseException) -> str:
    import traceback

    lines = traceback.format_exception(exc, limit=-6)
    return "".join(lines)[-4000:]


def _backward(out: Bundle, model, entry, inputs, float_index, with_arrays, cots, settings: Settings) -> None:
    """Gradients of sum(output * c); all non-Param state is an argument, so eval-mode mutation is harmless."""
    import jax
    import jax.numpy as jnp
    from flax import nnx

    from t2j.verify.ir import collect_ir

    if model is not None:
        graphdef, params, rest = nnx.split(model, nnx.Param, ...)
    else:
        graphdef, params, rest = None, {}, {}

    def loss(params, float_arrays, rest):
        args = with_arrays(float_arrays, float_index)
        result = nnx.merge(graphdef, params, rest)(*args) if model is not None else entry(*args)
        total = 0.0
        for path, value in flatten(result):
            cot = cots.get(path)
            # an output of the wrong shape already fails forward_eval; it cannot carry this cotangent
            if cot is not None and value is not None and tuple(value.shape) == tuple(cot.shape):
                total = total + jnp.sum(value * cot.astype(value.dtype))
        return total

    float_arrays = [inputs[i] for i in float_index]
    grad = jax.grad(loss, argnums=(0, 1))
    grad_params, grad_inputs = jax.jit(grad)(params, float_arrays, rest)
    out.put_group("grad_input", {str(i): np.asarray(g) for i, g in zip(float_index, grad_inputs)})
    if model is not None:
        out.put_group("grad_param", _pure_paths(grad_params))
    if settings.collect_ir:
        out.meta["ir_backward"] = collect_ir(grad, params, float_arrays, rest).model_dump()


def run_jax(entry, torch_bundle: Bundle, settings: Settings) -> Bundle:
    """Run the translation on the reference's inputs and weights. `entry`: nnx.Module class/instance or function."""
    import jax
    import jax.numpy as jnp
    from flax import nnx

    from t2j.verify.ir import collect_ir
    from t2j.verify.port import get_state, port_state

    f64 = settings.float64
    meta = torch_bundle.meta
    inputs = _decode(torch_bundle, "input", meta["inputs"], f64)
    out = Bundle()

    model = None
    if meta["kind"] == "module":
        init_inputs = _decode(torch_bundle, "init", meta["init_inputs"], f64)
        if isinstance(entry, type):
            model = entry(*init_inputs, rngs=nnx.Rngs(settings.seed))
        else:
            model = entry
        if not isinstance(model, nnx.Module):
            raise TypeError(
                f"the JAX entry is a {type(model).__name__}, expected an nnx.Module: translate "
                "`class X(nn.Module)` to `class X(nnx.Module)` with a keyword-only `rngs` argument"
            )
        state = get_state(torch_bundle, "state")
        ported = port_state(state, model, float64=f64)
        out.meta["mappings"] = [
            {"torch_key": m.torch_key, "jax_path": m.jax_path, "steps": m.steps, "description": m.description,
             "shape": list(state.arrays[m.torch_key].shape)}
            for m in ported.mappings
        ]
        out.meta["skipped"] = ported.skipped
        model.eval()

    array_index = [i for i, v in enumerate(inputs) if isinstance(v, jax.Array)]
    float_index = [i for i in array_index if jnp.issubdtype(inputs[i].dtype, jnp.floating)]

    def with_arrays(arrays, positions):
        args = list(inputs)
        for i, a in zip(positions, arrays):
            args[i] = a
        return args

    arrays = [inputs[i] for i in array_index]
    if model is not None:
        graphdef, state = nnx.split(model)

        def forward(state, *arrays):
            m = nnx.merge(graphdef, state)
            return m(*with_arrays(arrays, array_index))

        fwd_args = (state, *arrays)
    else:

        def forward(*arrays):
            return entry(*with_arrays(arrays, array_index))

        fwd_args = tuple(arrays)

    jitted = jax.jit(forward)
    start = time.perf_counter()
    lowered = jitted.lower(*fwd_args)
    compiled = lowered.compile()
    out.meta["compile_s"] = time.perf_counter() - start
    result = compiled(*fwd_args)
    out.put_group("out_eval", {p: np.asarray(v) for p, v in flatten(result) if v is not None})
    out.meta["jax_jit_s"] = _median_time(compiled, *fwd_args, runs=settings.timing_runs)
    if settings.collect_ir:
        out.meta["ir_forward"] = collect_ir(forward, *fwd_args, lowered=lowered).model_dump()

    # backward: gradients of sum(output * c) w.r.t. every float input and every nnx.Param
    cots = {p: jnp.asarray(c) for p, c in torch_bundle.group("cot").items()}
    if meta.get("differentiable") and cots:
        try:
            _backward(out, model, entry, inputs, float_index, with_arrays, cots, settings)
        except Exception as exc:  # reported as a failed backward check; the forward checks still stand
            out.meta["backward_error"] = _error_text(exc)

    # one training-mode call, when the reference says it means something
    if model is not None and "out_train" in {k.split("/")[0] for k in torch_bundle.arrays}:
        try:
            model.train()
            graphdef, state = nnx.split(model)

            def train_forward(state, *arrays):
                m = nnx.merge(graphdef, state)
                result = m(*with_arrays(arrays, array_index))
                return result, nnx.state(m)

            result, new_state = jax.jit(train_forward)(state, *arrays)
            out.put_group("out_train", {p: np.asarray(v) for p, v in flatten(result) if v is not None})
            out.put_group("state_train", _pure_paths(new_state))
        except Exception as exc:
            out.meta["train_error"] = _error_text(exc)
        finally:
            model.eval()
    return out
