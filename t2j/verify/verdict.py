"""Turning evidence into a verdict (trusted, in the parent): compare the torch results with what the trusted
runner computed, and describe failures (which side, how it ended, the tail of its output)."""

from __future__ import annotations

import numpy as np

from t2j.settings import Settings
from t2j.verify.bundle import Bundle
from t2j.verify.compare import (
    GRADIENT_FLOOR_FACTOR,
    compare_arrays,
    compare_trees,
    is_float,
    within_noise_floor,
)
from t2j.verify.init_check import DRAWS, init_check, sample
from t2j.verify.port import apply_steps
from t2j.verify.report import IR, Check, PortedTensor, TensorCheck, Timing, Tolerances, Verification, last_error_line

FLOAT64_TOLERANCES = Tolerances(rtol=1e-10, atol=1e-12)
SIDE_NAMES = {
    "torch": "the PyTorch reference",
    "jax": "the JAX translation",
    "runner": "the trusted runner (executing the translation's exported programs)",
}


def tolerances_for(settings: Settings) -> Tolerances:
    defaults = Settings()
    if settings.float64 and (settings.rtol, settings.atol) == (defaults.rtol, defaults.atol):
        return FLOAT64_TOLERANCES
    return Tolerances(rtol=settings.rtol, atol=settings.atol)


def failed(stage: str, error: str, entry: str, settings: Settings, isolation: str = "") -> Verification:
    """A verdict for a run that ended before anything could be compared."""
    return Verification(
        ok=False,
        entry=entry,
        failed_stage=stage,
        error=error,
        isolation=isolation,
        tolerances=tolerances_for(settings),
        float64=settings.float64,
    )


def side_failure(side: str, result, settings: Settings) -> str:
    """The error text of a sandboxed side that did not finish: who, how it ended, the tail of its output."""
    tail = result.tail()
    how = result.how()
    if result.returncode == 0 and result.reason is None:
        how = "exited with code 0 before writing its results (the code ended the process: sys.exit/os._exit?)"
    if result.reason is None and ("MemoryError" in tail or "std::bad_alloc" in tail):
        how += f" (out of memory: limit {settings.memory_limit_mb} MB)"
    if "TorchImportBlocked" in tail:
        how = "imported torch, which the JAX side may not use"
    text = f"{SIDE_NAMES.get(side, side)} {how}"
    return text + (f"\n{tail}" if tail else "")


def assemble(torch_bundle: Bundle, jax_bundle: Bundle, settings: Settings, entry: str) -> Verification:
    tol = tolerances_for(settings)
    checks = [compare_trees("forward_eval", torch_bundle.group("out_eval"), jax_bundle.group("out_eval"), tol)]
    mappings = jax_bundle.meta.get("mappings", [])
    notes: list[str] = []
    by_key: dict[str, list[dict]] = {}
    for m in mappings:
        by_key.setdefault(m["torch_key"], []).append(m)

    if torch_bundle.meta.get("differentiable"):
        checks.append(_backward_check(torch_bundle, jax_bundle, by_key, tol, notes))
    else:
        checks.append(
            Check(
                name="backward",
                ok=True,
                skipped="no floating-point output depends on a floating-point input or parameter",
            )
        )

    if torch_bundle.meta.get("kind") == "module":
        if "train_skipped" in torch_bundle.meta:
            checks.append(Check(name="forward_train", ok=True, skipped=torch_bundle.meta["train_skipped"]))
        else:
            if "train_error" in jax_bundle.meta:
                checks.append(_error_check("forward_train", jax_bundle.meta["train_error"]))
            else:
                checks.append(_train_output_check(torch_bundle, jax_bundle, tol, notes))
                if torch_bundle.meta.get("train_dropout_off"):
                    notes.append(
                        "training mode checked with every dropout layer switched off on both sides (p=0 in torch, "
                        "deterministic nnx.Dropout): batch statistics and running-stat updates are compared, the "
                        "dropout masks are not"
                    )
            checks.append(_running_stats_check(torch_bundle, jax_bundle, by_key, tol, notes))
        if settings.init_check != "off":
            init = _init_check(torch_bundle, jax_bundle, mappings)
            init.advisory = settings.init_check != "fail"
            checks.append(init)

    timing = Timing(
        torch_eager_s=torch_bundle.meta.get("torch_eager_s"),
        jax_jit_s=jax_bundle.meta.get("jax_jit_s"),
        compile_s=jax_bundle.meta.get("compile_s"),
    )
    return Verification(
        ok=all(c.ok or c.advisory for c in checks),
        entry=entry,
        checks=checks,
        ported=[
            PortedTensor(torch_key=m["torch_key"], jax_path=m["jax_path"], transform=m["description"], shape=m["shape"])
            for m in mappings
        ],
        tolerances=tol,
        float64=settings.float64,
        timing=timing,
        ir_forward=IR(**jax_bundle.meta["ir_forward"]) if "ir_forward" in jax_bundle.meta else None,
        ir_backward=IR(**jax_bundle.meta["ir_backward"]) if "ir_backward" in jax_bundle.meta else None,
        notes=notes + [f"not ported: {s}" for s in jax_bundle.meta.get("skipped", [])],
    )


def _error_check(name: str, error: str) -> Check:
    last = last_error_line(error)
    return Check(
        name=name,
        ok=False,
        tensors=[TensorCheck(name=name, ok=False, max_abs_err=float("inf"), problem=f"the JAX side raised: {last}")],
    )


def _backward_check(torch_bundle: Bundle, jax_bundle: Bundle, by_key, tol: Tolerances, notes: list[str]) -> Check:
    if "backward_error" in jax_bundle.meta:
        return _error_check("backward", jax_bundle.meta["backward_error"])
    expected = {f"d/d input[{k}]": v for k, v in torch_bundle.group("grad_input").items()}
    actual = {f"d/d input[{k}]": v for k, v in jax_bundle.group("grad_input").items()}
    check = compare_trees("backward", expected, actual, tol)
    floor64 = {f"d/d input[{k}]": v for k, v in torch_bundle.group("floor64_input").items()}
    floors = {t.name: (expected[t.name], floor64[t.name]) for t in check.tensors if t.name in floor64}
    param_floor64 = torch_bundle.group("floor64_param")
    jax_grads = jax_bundle.group("grad_param")
    for key, grad in torch_bundle.group("grad_param").items():
        for m in by_key.get(key, []):
            name = f"d/d {key}"
            want = apply_steps(grad, m["steps"])
            got = jax_grads.get(m["jax_path"])
            if got is None:
                got = np.zeros_like(want)
                if np.any(want != 0):
                    check.tensors.append(
                        compare_arrays(name, want, got, tol).model_copy(
                            update={
                                "problem": f"the JAX model holds '{m['jax_path']}' as a non-trainable variable "
                                "(wrap it in nnx.Param)"
                            }
                        )
                    )
                    continue
            check.tensors.append(compare_arrays(f"{name} (as {m['jax_path']})", want, got, tol))
            if key in param_floor64:
                floors[check.tensors[-1].name] = (want, apply_steps(param_floor64[key], m["steps"]))
    widened: list[str] = []
    for tensor in check.tensors:
        if tensor.name in floors:
            within_noise_floor(tensor, *floors[tensor.name], widened)
    check.ok = all(t.ok for t in check.tensors)
    if widened:
        notes.append(_noise_floor_note("gradient(s)", widened))
    return check


def _noise_floor_note(what: str, widened: list[str]) -> str:
    return (
        f"{len(widened)} {what} passed only within float32 rounding noise ({GRADIENT_FLOOR_FACTOR:g}x the "
        f"difference between torch float32 and torch float64): {', '.join(widened[:6])}"
        f"{' ...' if len(widened) > 6 else ''}"
    )


def _train_output_check(torch_bundle: Bundle, jax_bundle: Bundle, tol, notes: list[str]) -> Check:
    """Training-mode outputs, each failing float tensor judged again against torch's own float32 rounding
    noise in training mode (its float64 copy's outputs), as the backward check does for gradients."""
    expected = torch_bundle.group("out_train")
    check = compare_trees("forward_train", expected, jax_bundle.group("out_train"), tol)
    floor64 = torch_bundle.group("floor64_train")
    widened: list[str] = []
    for path, tensor in zip(expected, check.tensors):
        if path in floor64:
            within_noise_floor(tensor, expected[path], floor64[path], widened)
    check.ok = all(t.ok for t in check.tensors)
    if widened:
        notes.append(_noise_floor_note("training-mode output(s)", widened))
    return check


def _init_check(torch_bundle: Bundle, jax_bundle: Bundle, mappings: list[dict]) -> Check:
    """Fresh torch models against fresh JAX models, parameter by parameter (t2j.verify.init_check)."""
    if "init_skipped" in torch_bundle.meta:
        return Check(name="init", ok=True, skipped=torch_bundle.meta["init_skipped"])
    if "init_error" in jax_bundle.meta:
        return _error_check("init", jax_bundle.meta["init_error"])
    state = torch_bundle.group("state")
    keys = (torch_bundle.meta.get("state") or {}).get("parameter_keys", [])
    fresh = torch_bundle.group("fresh")
    torch_fresh = {
        key: [sample(state[key], seed=0)] + [fresh[f"{d}/{key}"] for d in range(1, DRAWS) if f"{d}/{key}" in fresh]
        for key in keys
        if key in state and is_float(state[key])
    }
    jax_fresh: dict[str, list[np.ndarray]] = {}
    for name, value in jax_bundle.group("fresh").items():
        draw, path = name.split("/", 1)
        jax_fresh.setdefault(path, []).append(value)
    shapes = {key: state[key].shape for key in torch_fresh}
    return init_check(torch_fresh, jax_fresh, mappings, shapes)


def _running_stats_check(torch_bundle: Bundle, jax_bundle: Bundle, by_key, tol: Tolerances, notes: list[str]) -> Check:
    """Buffers a training-mode call updated (BatchNorm's running statistics), each failing one judged again
    against torch's own float32 rounding noise (its float64 copy's updated buffers), as the outputs are."""
    if "train_error" in jax_bundle.meta:
        return _error_check("running_stats", jax_bundle.meta["train_error"])
    jax_state = jax_bundle.group("state_train")
    expected, actual, unported = {}, {}, []
    floor64_state = torch_bundle.group("floor64_state_train")
    expected64: dict[str, np.ndarray] = {}
    for key, value in torch_bundle.group("state_train").items():
        if not by_key.get(key):  # a torch running statistic the translation does not hold: never left out
            unported.append(
                TensorCheck(
                    name=key,
                    ok=False,
                    shape=list(np.shape(value)),
                    problem="no JAX variable was ported from this torch buffer, so its update in training mode "
                    "cannot be compared: keep running statistics as nnx.BatchStat variables named like torch's",
                )
            )
        for m in by_key.get(key, []):
            name = f"{key} (as {m['jax_path']})"
            expected[name] = apply_steps(value, m["steps"])
            if key in floor64_state:
                expected64[name] = apply_steps(floor64_state[key], m["steps"])
            if m["jax_path"] in jax_state:
                actual[name] = jax_state[m["jax_path"]]
    check = compare_trees("running_stats", expected, actual, tol)
    widened: list[str] = []
    for tensor in check.tensors:
        if tensor.name in expected64:
            within_noise_floor(tensor, expected[tensor.name], expected64[tensor.name], widened)
    check.ok = all(t.ok for t in check.tensors)
    if widened:
        notes.append(_noise_floor_note("running statistic(s)", widened))
    check.tensors += unported
    check.ok = check.ok and not unported
    return check
