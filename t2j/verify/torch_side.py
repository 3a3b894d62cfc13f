"""The PyTorch reference side: build the module, run forward (eval and train) and backward, time eager mode."""

from __future__ import annotations

import copy
import statistics
import time
from typing import Any

import numpy as np

from t2j.settings import Settings
from t2j.verify.bundle import Bundle
from t2j.verify.compare import flatten, is_float


def cotangent(path: str, shape: tuple[int, ...], dtype, seed: int) -> np.ndarray:
    """The fixed random cotangent `c` for one output: gradients are those of sum(output * c)."""
    path_seed = sum(ord(ch) * (i + 1) for i, ch in enumerate(path))
    rng = np.random.default_rng([seed, 7919, path_seed])
    return rng.standard_normal(shape).astype(dtype)


def _to_numpy(value) -> np.ndarray:
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().copy()
    return np.asarray(value)


def encode_values(bundle: Bundle, prefix: str, values: list[Any]) -> list[dict]:
    """Record call arguments: tensors as arrays, the rest as JSON values (they stay static under jit)."""
    import torch

    described = []
    for index, value in enumerate(values):
        if isinstance(value, torch.Tensor):
            bundle.arrays[f"{prefix}/{index}"] = _to_numpy(value)
            described.append({"kind": "array"})
        elif isinstance(value, np.ndarray):
            bundle.arrays[f"{prefix}/{index}"] = value
            described.append({"kind": "array"})
        elif value is None or isinstance(value, (bool, int, float, str, list, tuple, dict)):
            described.append({"kind": "value", "value": value})
        else:
            raise TypeError(
                f"argument {index} of type {type(value).__name__} cannot be passed to the JAX side; "
                "use tensors, numbers, strings, or lists of them"
            )
    return described


def run_torch(entry, inputs: list, init_inputs: list, settings: Settings, init_kwargs: dict | None = None) -> Bundle:
    """Run the reference. `entry` is an nn.Module class or instance, or a plain function; a class is built with
    `init_inputs` and the keyword arguments `init_kwargs` (a file's get_init_kwargs())."""
    import torch

    torch.manual_seed(settings.seed)
    is_module_class = isinstance(entry, type) and issubclass(entry, torch.nn.Module)
    init_kwargs = dict(init_kwargs or {})
    model = entry(*init_inputs, **init_kwargs) if is_module_class else entry
    is_module = isinstance(model, torch.nn.Module)
    bundle = Bundle()
    bundle.meta["kind"] = "module" if is_module else "function"
    bundle.meta["init_inputs"] = encode_values(bundle, "init", list(init_inputs))
    bundle.meta["init_kwargs"] = {
        "names": [str(k) for k in init_kwargs],
        "values": encode_values(bundle, "initkw", list(init_kwargs.values())),
    }

    if settings.float64:
        if is_module:
            model = model.double()
        inputs = [x.double() if isinstance(x, torch.Tensor) and x.is_floating_point() else x for x in inputs]
    bundle.meta["inputs"] = encode_values(bundle, "input", list(inputs))

    if is_module:
        from t2j.verify.port import put_state, torch_state

        model.eval()
        put_state(bundle, "state", torch_state(model))
        initial_model = copy.deepcopy(model)

    # forward (eval) + backward of sum(output * c)
    leaves = [
        x.detach().clone().requires_grad_(True) if isinstance(x, torch.Tensor) and x.is_floating_point() else x
        for x in inputs
    ]
    output = model(*leaves)
    flat = [(p, v) for p, v in flatten(output) if v is not None]
    bundle.put_group("out_eval", {p: _to_numpy(v) for p, v in flat})
    loss = None
    for path, value in flat:
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            c = cotangent(path, tuple(value.shape), _to_numpy(value).dtype, settings.seed)
            bundle.arrays[f"cot/{path}"] = c
            term = (value * torch.from_numpy(c)).sum()
            loss = term if loss is None else loss + term
    differentiable = loss is not None and loss.requires_grad
    bundle.meta["differentiable"] = differentiable
    if differentiable:
        loss.backward()
    for index, x in enumerate(leaves):
        if isinstance(x, torch.Tensor) and x.is_floating_point():
            grad = x.grad if x.grad is not None else torch.zeros_like(x)
            bundle.arrays[f"grad_input/{index}"] = _to_numpy(grad)
    if is_module:
        for name, param in model.named_parameters():
            grad = param.grad if param.grad is not None else torch.zeros_like(param)
            bundle.arrays[f"grad_param/{name}"] = _to_numpy(grad)

    if differentiable and not settings.float64:
        _float64_gradients(initial_model if is_module else model, inputs, bundle)
    bundle.meta["torch_eager_s"] = _time_eager(model, inputs, settings.timing_runs)
    if is_module:
        _train_mode(initial_model, inputs, bundle, settings)
    if settings.init_check == "off":
        pass
    elif is_module_class:
        _fresh_draws(entry, init_inputs, bundle, settings, init_kwargs)
    elif is_module:
        bundle.meta["init_skipped"] = "the reference is a module instance: there is no fresh model to draw"
    return bundle


def _fresh_draws(entry, init_inputs, bundle: Bundle, settings: Settings, init_kwargs: dict | None = None) -> None:
    """More fresh models (draw 0 is the one verified, in `state/`) for the init check: their parameters,
    sampled as t2j.verify.init_check.sample does."""
    import torch

    from t2j.verify.init_check import DRAWS, sample

    for draw in range(1, DRAWS):
        torch.manual_seed(settings.seed + draw)
        fresh = entry(*init_inputs, **(init_kwargs or {}))
        if settings.float64:
            fresh = fresh.double()
        for name, param in fresh.named_parameters():
            bundle.arrays[f"fresh/{draw}/{name}"] = sample(_to_numpy(param), settings.seed + draw)


def _float64_gradients(model, inputs, bundle: Bundle) -> None:
    """The same gradients from a float64 copy of the reference (`floor64_*` arrays): how far torch's own float32
    rounding is from exact arithmetic, per tensor, the noise floor of the backward check. A reference that
    cannot run in float64 (float32 hard-coded) records none, and the plain tolerances apply."""
    import torch

    try:
        model = copy.deepcopy(model)
        if isinstance(model, torch.nn.Module):
            model = model.double().eval()
        leaves = [
            x.detach().double().requires_grad_(True) if isinstance(x, torch.Tensor) and x.is_floating_point() else x
            for x in inputs
        ]
        loss = None
        for path, value in flatten(model(*leaves)):
            if isinstance(value, torch.Tensor) and value.is_floating_point() and f"cot/{path}" in bundle.arrays:
                c = torch.from_numpy(bundle.arrays[f"cot/{path}"].astype(np.float64))
                term = (value * c).sum()
                loss = term if loss is None else loss + term
        if loss is None or not loss.requires_grad:
            return
        loss.backward()
    except Exception:  # noqa: BLE001 -- no float64 floor for this reference
        return
    for index, x in enumerate(leaves):
        if isinstance(x, torch.Tensor) and x.is_floating_point():
            grad = x.grad if x.grad is not None else torch.zeros_like(x)
            bundle.arrays[f"floor64_input/{index}"] = _to_numpy(grad)
    if isinstance(model, torch.nn.Module):
        for name, param in model.named_parameters():
            grad = param.grad if param.grad is not None else torch.zeros_like(param)
            bundle.arrays[f"floor64_param/{name}"] = _to_numpy(grad)


def _time_eager(model, inputs, runs: int) -> float:
    import torch

    with torch.no_grad():
        for _ in range(2):
            model(*inputs)
        times = []
        for _ in range(max(runs, 1)):
            start = time.perf_counter()
            model(*inputs)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def _train_mode(initial_model, inputs, bundle: Bundle, settings: Settings) -> None:
    """One training-mode call from the initial state: outputs and the buffers it updated (BatchNorm stats).

    Skipped, with the reason recorded, when the module is random in training mode (dropout) or behaves the
    same in both modes.
    """
    import torch

    def call(seed, dropout_off=False):
        model = copy.deepcopy(initial_model).train()
        if dropout_off:
            _switch_off_dropout(model)
        torch.manual_seed(seed)
        before = torch.get_rng_state()
        with torch.no_grad():
            out = model(*inputs)
        drew.append(not torch.equal(before, torch.get_rng_state()))
        return model, {p: _to_numpy(v) for p, v in flatten(out) if v is not None}

    def random(out_a, out_b) -> bool:
        return any(not np.array_equal(out_a[p], out_b[p], equal_nan=True) for p in out_a)

    drew: list[bool] = []  # whether each call drew from torch's generator
    dropout_off = False
    model_a, out_a = call(settings.seed + 1)
    # a draw the outputs happen not to show (a drop-path keeping every sample of a small batch) is randomness
    # too: the generator must not move at all
    if random(out_a, call(settings.seed + 2)[1]) or any(drew):
        # the training-mode behaviour that is not random (batch statistics, running-stat updates) is still
        # checked: with every dropout layer at p=0 on both sides (the JAX side sets its nnx.Dropout layers
        # deterministic), unless the randomness is drawn elsewhere (functional dropout, noise in forward)
        drew.clear()
        model_a, out_a = call(settings.seed + 1, dropout_off=True)
        again = call(settings.seed + 2, dropout_off=True)[1]
        if not _has_dropout_layer(initial_model) or any(drew) or random(out_a, again):
            bundle.meta["train_skipped"] = "random layers (dropout) make training-mode outputs random"
            return
        dropout_off = True
        bundle.meta["train_dropout_off"] = True
    before = dict(initial_model.named_buffers())
    changed = {
        name: _to_numpy(buf)
        for name, buf in model_a.named_buffers()
        if name in before and is_float(_to_numpy(buf)) and not torch.equal(before[name], buf)
    }
    eval_out = bundle.group("out_eval")
    same_output = all(p in eval_out and np.array_equal(eval_out[p], out_a[p], equal_nan=True) for p in out_a)
    if same_output and not changed:
        bundle.meta["train_skipped"] = "no training-mode behaviour"
        return
    bundle.put_group("out_train", out_a)
    bundle.put_group("state_train", changed)
    _float64_train_outputs(initial_model, inputs, bundle, dropout_off)


def _has_dropout_layer(model) -> bool:
    import torch

    return any(isinstance(m, torch.nn.modules.dropout._DropoutNd) for m in model.modules())


def _switch_off_dropout(model) -> None:
    """Every dropout layer (nn.Dropout, Dropout1d/2d/3d, AlphaDropout, ...) at p=0: the identity."""
    import torch

    for m in model.modules():
        if isinstance(m, torch.nn.modules.dropout._DropoutNd):
            m.p = 0.0


def _float64_train_outputs(initial_model, inputs, bundle: Bundle, dropout_off: bool = False) -> None:
    """The training-mode outputs of a float64 copy (`floor64_train/*`): the noise floor of the train check,
    as `_float64_gradients` is the backward check's. A reference that cannot run in float64 records none."""
    import torch

    try:
        model = copy.deepcopy(initial_model).double().train()
        if dropout_off:
            _switch_off_dropout(model)
        leaves = [x.double() if isinstance(x, torch.Tensor) and x.is_floating_point() else x for x in inputs]
        with torch.no_grad():
            out = model(*leaves)
    except Exception:  # noqa: BLE001 -- no float64 floor for this reference
        return
    bundle.put_group("floor64_train", {p: _to_numpy(v) for p, v in flatten(out) if v is not None})
    updated = bundle.group("state_train")
    bundle.put_group("floor64_state_train", {k: _to_numpy(b) for k, b in model.named_buffers() if k in updated})
