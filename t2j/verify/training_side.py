"""The two sides of a training verification, run inside the sandboxed subprocesses (see t2j.verify.training).

A training script defines `make_models()` (the freshly initialized module or modules), `make_data()` (a tuple
of tensors) and `train(*models, *data)` returning the loss of every optimizer step. The torch side builds the
models and data after seeding, records the initial weights, trains and records the losses and final weights;
the JAX side builds its models, ports the torch initial weights into them, trains on the very same data while
its jitted steps are captured as exported programs, and reports those programs, the log of their calls and the
layout of each ported tensor; it never receives the torch losses or final weights, and the numbers compared
are the trusted runner's replay of the captured steps. Dropout is switched off on both sides: masks drawn by two different
random generators cannot match.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import numpy as np

from t2j.settings import Settings
from t2j.verify.bundle import Bundle


NUDGE = 2.0**-23  # relative size of the initial-weight nudge of the noise-floor run (one float32 ulp)


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _losses(values) -> np.ndarray:
    """train()'s return value as a float64 vector (Python floats, 0-d tensors or arrays)."""
    if values is None:
        raise TypeError("train() returned None: it must return the loss of every optimizer step (a list of floats)")
    out = []
    for v in _as_tuple(values):
        if hasattr(v, "detach"):
            v = v.detach().cpu().numpy()
        out.append(float(np.asarray(v, dtype=np.float64).reshape(())))
    return np.asarray(out, dtype=np.float64)


def run_torch_training(module, settings: Settings) -> Bundle:
    import torch

    from t2j.verify.port import put_state, torch_state

    bundle = Bundle()
    torch.manual_seed(settings.seed)
    models = _as_tuple(module.make_models())
    for index, model in enumerate(models):
        if not isinstance(model, torch.nn.Module):
            raise TypeError(
                f"make_models() returned a {type(model).__name__} at position {index}; "
                "return the nn.Module (or a tuple of them) that train() trains"
            )
        put_state(bundle, f"init{index}", torch_state(model))
    torch.manual_seed(settings.seed + 1)
    data = _as_tuple(module.make_data())
    for index, value in enumerate(data):
        if not isinstance(value, torch.Tensor):
            raise TypeError(
                f"make_data() returned a {type(value).__name__} at position {index}; return a tuple of "
                "tensors (numbers that train() needs can stay in train())"
            )
        bundle.arrays[f"data/{index}"] = value.detach().cpu().numpy().copy()
    dropouts = 0
    for model in models:
        for sub in model.modules():
            if isinstance(sub, torch.nn.modules.dropout._DropoutNd) and sub.p > 0:
                sub.p = 0.0
                dropouts += 1
    initial = copy.deepcopy(models)
    started = time.perf_counter()
    losses = _losses(module.train(*models, *data))
    bundle.meta["torch_train_s"] = time.perf_counter() - started
    bundle.arrays["losses"] = losses
    for index, model in enumerate(models):
        put_state(bundle, f"final{index}", torch_state(model))
    # The noise floor: how far float32 rounding alone moves this training. First choice: the same torch training
    # in float64 (torch float32 vs exact arithmetic; a faithful JAX float32 run is as far from it). Scripts that
    # hard-code float32 tensors cannot run in float64: then the run from initial weights nudged by about one
    # float32 ulp. Rounding matters most where Adam turns the rounding noise of a gradient that is exactly zero
    # in exact arithmetic (a bias before BatchNorm, attention's key bias) into steps of size lr.
    try:
        doubled = [m.double() for m in copy.deepcopy(initial)]
        data64 = [d.double() if d.is_floating_point() else d.clone() for d in data]
        bundle.arrays["losses_nudged"] = _losses(module.train(*doubled, *data64))
        bundle.meta["floor"] = "float64"
        for model in doubled:
            model.float()
        initial = doubled
    except Exception:  # noqa: BLE001 -- a script that cannot run in float64: use the nudged float32 run
        generator = torch.Generator().manual_seed(settings.seed + 2)
        with torch.no_grad():
            for model in initial:
                for tensor in list(model.parameters()):
                    if tensor.is_floating_point():
                        noise = torch.randn(tensor.shape, generator=generator, dtype=tensor.dtype)
                        tensor.mul_(1 + NUDGE * noise)
        bundle.arrays["losses_nudged"] = _losses(module.train(*initial, *copy.deepcopy(data)))
        bundle.meta["floor"] = "nudged"
    for index, model in enumerate(initial):
        put_state(bundle, f"nudged{index}", torch_state(model))
    bundle.meta.update(models=len(models), data=len(data), dropout_disabled=dropouts)
    return bundle


def run_jax_training(module, job: Bundle, settings: Settings) -> tuple[Bundle, dict[str, bytes]]:
    """Train the translation from the torch initial weights on the torch data, capturing its jitted steps as
    exported programs (t2j.verify.training_capture). It never sees the torch losses or final weights, and none
    of its own numbers is believed: the trusted runner replays the captured steps (t2j.verify.training_replay).
    `training_capture.install()` must have run before the translation was imported."""
    import jax
    import jax.numpy as jnp
    from flax import nnx

    from t2j.verify.port import get_state, port_state
    from t2j.verify.training_capture import StepRecorder, record_into

    meta = job.meta
    models = _as_tuple(module.make_models())
    if len(models) != meta["models"]:
        raise TypeError(
            f"make_models() returns {len(models)} model(s) in the translation, {meta['models']} in the reference"
        )
    out = Bundle()
    for index, model in enumerate(models):
        if not isinstance(model, nnx.Module):
            raise TypeError(
                f"make_models() returned a {type(model).__name__} at position {index}, expected an nnx.Module"
            )
        ported = port_state(get_state(job, f"init{index}"), model)
        out.meta[f"mappings{index}"] = [
            {"torch_key": m.torch_key, "jax_path": m.jax_path, "steps": m.steps} for m in ported.mappings
        ]
    data: list[Any] = [jnp.asarray(job.arrays[f"data/{i}"]) for i in range(meta["data"])]
    dropouts = 0
    for model in models:
        for _, node in nnx.iter_graph(model):
            if isinstance(node, nnx.Dropout) and node.rate > 0:
                node.rate = 0.0
                dropouts += 1
    recorder = StepRecorder(models, data)
    started = time.perf_counter()
    record_into(recorder)
    try:
        returned = jax.block_until_ready(module.train(*models, *data))
        recorder.finish()
    finally:
        record_into(None)
    out.meta["jax_train_s"] = time.perf_counter() - started
    values = list(_as_tuple(returned)) if returned is not None else []
    _losses(values)  # the same checks as the torch side: a list of numbers
    out.meta.update(
        dropout_disabled=dropouts,
        models=len(models),
        variables=recorder.info,
        calls=recorder.calls,
        losses=[recorder.source_of(v) for v in values],
        sets=recorder.sets,
        problems=recorder.problems,
    )
    out.put_group("var", {str(i): v for i, v in recorder.first.items()})
    out.arrays.update(recorder.arrays)
    programs = {f"step{k}": blob for k, blob in enumerate(recorder.programs)}
    out.meta["programs"] = sorted(programs)
    return out, programs
