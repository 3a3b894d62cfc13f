"""The two sandboxed sides of the recording checker (see t2j.verify.recording), run as
`python -m t2j.verify.recording_side torch|jax WORKDIR`.

torch: the PyTorch script runs as `__main__` with hooks. Every nn.Module class the script defines records its
constructor arguments and the inputs of its first call (a module-check sample). Every `backward()` on the line
a translated train step came from (the `# t2j: train-step` data of the translation) records, for its first
`max_steps` calls, the loss and the torch values of the step's parameters (the expressions the translator
emitted, valued in the frame of the backward() call); at the first call also the weights of every module among
them and the tensors the step closes over. After the optimizer step that ends the `max_steps`-th call, the
trained model's weights are recorded; when every step has been recorded, the script is stopped.

jax: the translated script runs as `__main__` with `nnx.jit` wrapped: each call of a train step named in the
data gets the recorded torch values for its parameters (and, at its first call, the torch weights ported into
its modules and the recorded closed-over tensors); its loss is recorded, and after the `max_steps`-th call the
trained model's weights and the layout of every torch tensor ported into it. Then it stops. It receives the
replay's inputs only (`replay.npz`: the step counts, initial weights, batches and closed-over tensors), never
the torch losses or the torch weights after training: the parent maps those into the JAX layout and compares.

Dropout is switched off on both sides (masks of two random generators cannot match).
"""

from __future__ import annotations

import io
import json
import runpy
import sys
import traceback
from pathlib import Path

import numpy as np

from t2j.verify.bundle import Bundle
from t2j.verify.recording_noise import quiet_jax_noise, quiet_torch_noise


NUDGE = 2.0**-23  # relative size of the noise-floor run's nudge of the initial weights (one float32 ulp)


class _Recorded(BaseException):
    """Raised by a hook to end the script once every train step has been recorded."""


def _load_job(workdir: Path) -> dict:
    return json.loads((workdir / "job.json").read_text())


def _run_script(path: Path, bundle: Bundle) -> None:
    sys.argv = [str(path)]
    try:
        runpy.run_path(str(path), run_name="__main__")
        bundle.meta["script_finished"] = True
    except _Recorded:
        bundle.meta["script_finished"] = False
    except SystemExit as exc:
        if exc.code not in (None, 0):
            bundle.meta["script_error"] = f"SystemExit({exc.code!r})"
    except BaseException as exc:  # noqa: BLE001 -- what was recorded before the crash is still compared
        bundle.meta["script_error"] = "".join(traceback.format_exception(exc)[-4:])[-3000:]


def _as_numpy(value):
    """A recorded value as a NumPy array, or None when it is not array data (a module, a function, ...)."""
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().copy()
    if isinstance(value, (bool, int, float)) and not isinstance(value, bool):
        return np.asarray(value)
    if isinstance(value, np.ndarray):
        return value.copy()
    return None


# ------------------------------------------------------------------------------------------------------------
# torch


def run_torch(workdir: Path) -> None:
    import torch

    from t2j.verify.port import put_state, torch_state

    job = _load_job(workdir)
    script = (workdir / job["script"]).resolve()
    max_steps = int(job["max_steps"])
    steps = {m["line"]: m for m in job["steps"] if m.get("kind") == "train" and m.get("line")}
    steps_by_name = {m["step"]: m for m in steps.values()}
    bundle = Bundle(meta={"steps": {}, "samples": {}, "dropout": 0})
    calls = {m["step"]: 0 for m in steps.values()}  # optimizer steps completed
    seen = {m["step"]: 0 for m in steps.values()}  # backward() calls recorded
    done = {m["step"]: False for m in steps.values()}
    state = {"current": None}
    models: dict = {}  # train step -> {step parameter: the torch module it trains}
    script_file = str(script.resolve())

    original_dropout = torch.nn.functional.dropout

    def no_dropout(input, p=0.5, training=True, inplace=False):
        bundle.meta["dropout"] += 1 if training and p > 0 else 0
        return original_dropout(input, 0.0, training, inplace)

    torch.nn.functional.dropout = no_dropout
    depth = quiet_torch_noise(torch, bundle)

    def on_backward_frame(frame, loss) -> None:
        if frame.f_code.co_filename != script_file or frame.f_lineno not in steps:
            return
        mapping = steps[frame.f_lineno]
        name = mapping["step"]
        if mapping.get("optimizer") is None:
            # a hand-written update (no optimizer step to hook): this backward() follows the previous update
            calls[name] = seen[name]
            if calls[name] == max_steps and not done[name]:
                finish(name)
        k = seen[name]
        if k >= max_steps or done[name]:
            return
        seen[name] = k + 1
        scope = dict(frame.f_globals)
        scope.update(frame.f_locals)
        record = bundle.meta["steps"].setdefault(name, {"losses": [], "missing": []})
        record["losses"].append(float(loss.detach().double().item()))
        for param, source in mapping["args"].items():
            try:
                value = eval(source, scope)  # noqa: S307 -- the reference script's own expression, in its sandbox
            except Exception as exc:  # noqa: BLE001
                record["missing"].append(f"{param} = {source}: {type(exc).__name__}: {exc}")
                continue
            if isinstance(value, torch.nn.Module):
                if k == 0:
                    put_state(bundle, f"{name}/init/{param}", _before_forward(value, torch_state(value), buffers))
                if param in _trained(mapping):
                    models.setdefault(name, {})[param] = value
                continue
            array = _as_numpy(value)
            if array is not None:
                bundle.arrays[f"{name}/call{k}/{param}"] = array
        if k == 0:
            for free in mapping.get("closure", []):
                array = _as_numpy(scope.get(free))
                if array is not None and array.ndim > 0:
                    bundle.arrays[f"{name}/closure/{free}"] = array
        state["current"] = name

    original_backward = torch.Tensor.backward

    def backward(self, *args, **kwargs):
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != script_file:
            frame = frame.f_back  # scaler.scale(loss).backward() and friends
        if frame is not None:
            on_backward_frame(frame, self)
        buffers.clear()  # the next step's forwards start from the buffers as they are then
        return original_backward(self, *args, **kwargs)

    # The buffers (BatchNorm's running statistics) each module held before the first forward since the last
    # backward(): the first step's forward has already updated them when its backward() records the initial
    # state, and the replay runs that forward again.
    buffers: dict[int, dict] = {}
    # the noise-floor run (t2j.verify.recording_floor): every module's own parameters nudged by about one float32
    # ulp before its first forward (a generator of its own: the script's random draws stay as they were)
    nudge = torch.Generator().manual_seed(2) if job.get("nudge") else None
    nudged: set[int] = set()

    def before_forward(module, args) -> None:
        depth[0] += 1
        if nudge is not None and id(module) not in nudged:
            nudged.add(id(module))
            with torch.no_grad():
                for tensor in module.parameters(recurse=False):
                    if tensor.is_floating_point():
                        # (Tensor.normal_: torch.randn inside a forward returns zeros here, recording_noise)
                        noise = torch.empty(tensor.shape, dtype=tensor.dtype).normal_(generator=nudge)
                        tensor.mul_(1 + NUDGE * noise)
        if id(module) not in buffers:
            own = dict(module.named_buffers(recurse=False))
            buffers[id(module)] = {k: v.detach().cpu().numpy().copy() for k, v in own.items() if v is not None}

    def after_forward(module, args, output) -> None:
        depth[0] -= 1

    torch.nn.modules.module.register_module_forward_pre_hook(before_forward)
    torch.nn.modules.module.register_module_forward_hook(after_forward, always_call=True)

    torch.Tensor.backward = backward

    def finish(name: str) -> None:
        if name in models:
            put_state(bundle, f"{name}/final", _combined_state(models[name], torch_state))
        done[name] = True
        if all(done.values()):
            raise _Recorded()

    def after_step(optimizer, args, kwargs) -> None:
        name = state["current"]
        if name is None or done[name]:
            return
        groups = {float(group["lr"]) for group in optimizer.param_groups if "lr" in group}
        if len(groups) == 1:  # the learning rate this step used, for the replay's check of the JAX side's
            bundle.meta["steps"].setdefault(name, {"losses": [], "missing": []}).setdefault("lrs", []).append(
                groups.pop()
            )
        calls[name] += 1
        state["current"] = None
        if calls[name] >= max_steps:
            finish(name)

    from torch.optim.optimizer import register_optimizer_step_post_hook

    register_optimizer_step_post_hook(after_step)
    _install_module_samples(torch, bundle, script_file)
    _run_script(script, bundle)
    for name, count in calls.items():
        if steps_by_name[name].get("optimizer") is None and not done[name]:
            count = calls[name] = seen[name]  # the script ended after its last hand-written update
        record = bundle.meta["steps"].setdefault(name, {"losses": [], "missing": []})
        record["steps"] = count
        del record["losses"][count:]  # a backward() whose optimizer step never ran
        if not done[name] and count and name in models:
            # the script trained fewer than max_steps steps: the weights after its last one
            put_state(bundle, f"{name}/final", _combined_state(models[name], torch_state))
    bundle.save(workdir / "torch")


def _before_forward(module, state, buffers: dict[int, dict]):
    """`state` (a TorchState of `module`) with the buffers each submodule held before its first forward since
    the last backward() (`buffers`, by module id); buffers of modules not called since keep their value."""
    for path, sub in module.named_modules():
        for key, value in buffers.get(id(sub), {}).items():
            full = f"{path}.{key}" if path else key
            if full in state.arrays:
                state.arrays[full] = value
    return state


def _trained(mapping: dict) -> list[str]:
    """The step parameters holding the models its optimizer trains (several: `optimizer.update((a, b), ...)`)."""
    return list(mapping.get("models") or [mapping["model"]])


def _combined_state(modules: dict, torch_state):
    """The TorchState of the trained module, or of several as one (keys prefixed `<parameter>.`)."""
    from t2j.verify.port import TorchState

    if len(modules) == 1:
        return torch_state(next(iter(modules.values())))
    persistent: set[str] = set()
    out = TorchState({}, {}, set(), persistent, {})
    for param, module in modules.items():
        state = torch_state(module)
        out.arrays.update({f"{param}.{k}": v for k, v in state.arrays.items()})
        out.module_types.update({f"{param}.{k}" if k else param: v for k, v in state.module_types.items()})
        out.parameter_keys |= {f"{param}.{k}" for k in state.parameter_keys}
        persistent |= {f"{param}.{k}" for k in state.persistent_keys or state.arrays}
        out.aliases.update({f"{param}.{k}": f"{param}.{v}" for k, v in state.aliases.items()})
    return out


def _install_module_samples(torch, bundle: Bundle, script_file: str) -> None:
    """Constructor arguments and first-call inputs of every nn.Module class the script defines."""
    import functools

    from t2j.migrate.record_hook import _detach, _positional

    def wrap(cls) -> None:
        init, forward = cls.__dict__.get("__init__"), cls.__dict__.get("forward")
        if init is None or forward is None:
            return

        @functools.wraps(init)
        def __init__(self, *args, **kwargs):
            if "_t2j_init" not in self.__dict__:
                self.__dict__["_t2j_init"] = _positional(type(self).__init__, args, kwargs)
            init(self, *args, **kwargs)

        @functools.wraps(forward)
        def forward_wrapper(self, *args, **kwargs):
            name = type(self).__qualname__
            if type(self) is cls and name not in bundle.meta["samples"]:
                inputs = _positional(cls.forward, args, kwargs)
                init_args = self.__dict__.get("_t2j_init")
                why = None
                if inputs is None or init_args is None:
                    why = "keyword-only or **kwargs arguments"
                elif any(isinstance(v, torch.nn.Module) for v in init_args):
                    why = "its constructor receives a module"
                if why is None:
                    buffer = io.BytesIO()
                    try:
                        torch.save({"init_args": _detach(init_args), "args": _detach(inputs)}, buffer)
                        bundle.arrays[f"sample/{name}"] = np.frombuffer(buffer.getvalue(), dtype=np.uint8).copy()
                    except Exception as exc:  # noqa: BLE001 -- an argument torch cannot save
                        why = f"its arguments cannot be saved ({type(exc).__name__})"
                bundle.meta["samples"][name] = {"recorded": True} if why is None else {"skipped": why}
            return forward(self, *args, **kwargs)

        cls.__init__, cls.forward = __init__, forward_wrapper

    def __init_subclass__(cls, **kwargs):
        super(torch.nn.Module, cls).__init_subclass__(**kwargs)
        module = sys.modules.get(cls.__module__)
        if (
            cls.__module__ == "__main__"
            and getattr(module, "__file__", None) in (script_file, None)
            and "." not in cls.__qualname__
        ):
            wrap(cls)

    torch.nn.Module.__init_subclass__ = classmethod(__init_subclass__)


# ------------------------------------------------------------------------------------------------------------
# jax


def run_jax(workdir: Path) -> None:
    import inspect

    import jax.numpy as jnp
    from flax import nnx

    from t2j.verify.port import get_state, port_state
    from t2j.verify.training_capture import StepRecorder

    job = _load_job(workdir)
    torch_bundle = Bundle.load(workdir / "replay")
    steps = {m["step"]: m for m in job["steps"] if m.get("kind") == "train"}
    targets = {name: int(torch_bundle.meta["targets"].get(name, 0)) for name in steps}
    targets = {name: n for name, n in targets.items() if n}
    bundle = Bundle(meta={"steps": {}, "dropout": 0})
    calls = {name: 0 for name in targets}
    recorders: dict[str, tuple[list[str], StepRecorder]] = {}

    def no_dropout(self, inputs, *args, **kwargs):
        bundle.meta["dropout"] += 1 if self.rate > 0 and not self.deterministic else 0
        return inputs

    nnx.Dropout.__call__ = no_dropout
    original_jit = nnx.jit

    def replaying(fn, jitted):
        name = fn.__name__
        mapping = steps[name]
        params = list(inspect.signature(fn).parameters)
        trained = _trained(mapping)

        def call(*args, **kwargs):
            k = calls.get(name)
            if k is None or k >= targets[name]:
                return jitted(*args, **kwargs)
            bound = dict(zip(params, args)) | kwargs
            record = bundle.meta["steps"].setdefault(name, {"losses": [], "problems": []})
            if k == 0:
                for param, value in bound.items():
                    if isinstance(value, nnx.Module) and f"{name}/init/{param}" in torch_bundle.meta:
                        ported = port_state(get_state(torch_bundle, f"{name}/init/{param}"), value)
                        if param in trained:
                            prefix = f"{param}." if len(trained) > 1 else ""
                            bundle.meta.setdefault(f"{name}/mappings", []).extend(
                                {"torch_key": prefix + m.torch_key, "jax_path": prefix + m.jax_path, "steps": m.steps}
                                for m in ported.mappings
                            )
                    elif isinstance(value, nnx.Module):
                        record["problems"].append(f"no torch weights recorded for '{param}'")
                _patch_closure(fn, torch_bundle.group(f"{name}/closure"), record, jnp)
                quiet_jax_noise(bundle, [v for v in bound.values() if isinstance(v, nnx.Module)])
                held = [p for p in trained if isinstance(bound.get(p), nnx.Module)]
                recorders[name] = (held, StepRecorder([bound[p] for p in held]))
            for param in params:
                key = f"{name}/call{k}/{param}"
                if key in torch_bundle.arrays:
                    bound[param] = jnp.asarray(torch_bundle.arrays[key])
            # exported and logged: the parent's trusted runner replays the calls, these numbers are not believed
            result = recorders[name][1].capture(fn, jitted, (), bound)
            loss = result[0] if isinstance(result, (tuple, list)) else result
            record["losses"].append(float(np.asarray(loss, dtype=np.float64).reshape(())))
            calls[name] = k + 1
            if calls[name] == targets[name]:
                final = {}
                for param in trained:
                    if isinstance(bound.get(param), nnx.Module):
                        prefix = f"{param}." if len(trained) > 1 else ""
                        final.update({prefix + k: v for k, v in _weights(bound[param]).items()})
                if final:
                    bundle.put_group(f"{name}/final", final)
                _save_capture(bundle, name, *recorders[name])
                if all(calls[s] >= targets[s] for s in targets):
                    raise _Recorded()
            return result

        return call

    def jit(fn=None, *args, **kwargs):
        if fn is None:
            return lambda f: jit(f, *args, **kwargs)
        jitted = original_jit(fn, *args, **kwargs)
        if getattr(fn, "__name__", None) in targets:
            return replaying(fn, jitted)
        return jitted

    nnx.jit = jit
    _run_script((workdir / job["translation"]).resolve(), bundle)
    bundle.meta["calls"] = calls
    bundle.save(workdir / "jax")


def _save_capture(bundle: Bundle, name: str, held: list[str], recorder) -> None:
    """The step's exported programs, its variables (initial values) and the log of its calls, for the parent's
    trusted runner (t2j.verify.recording_replay)."""
    bundle.meta[f"{name}/capture"] = {
        "models": held,
        "variables": recorder.info,
        "calls": recorder.calls,
        "sets": recorder.sets,
        "problems": recorder.problems,
        "programs": len(recorder.programs),
    }
    for number, value in recorder.first.items():
        bundle.arrays[f"{name}/var/{number}"] = value
    for key, value in recorder.arrays.items():
        bundle.arrays[f"{name}/{key}"] = value
    for k, blob in enumerate(recorder.programs):
        bundle.arrays[f"{name}/program{k}"] = np.frombuffer(blob, dtype=np.uint8).copy()


def _weights(model) -> dict[str, np.ndarray]:
    """Every parameter and batch statistic of an nnx module, by dotted path."""
    from flax import nnx

    from t2j.verify.jax_side import _pure_paths

    out = {}
    for kind in (nnx.Param, nnx.BatchStat):
        out.update(_pure_paths(nnx.state(model, kind)))
    return out


def _patch_closure(fn, arrays: dict, record: dict, jnp) -> None:
    """Give the step the torch values of the tensors it closes over (module globals or closure cells)."""
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    for name, array in arrays.items():
        value = jnp.asarray(array)
        if name in cells:
            cells[name].cell_contents = value
        elif name in fn.__globals__:
            fn.__globals__[name] = value
        else:
            record["problems"].append(f"closed-over '{name}' not found in the translation")


def main() -> None:
    side, workdir = sys.argv[1], Path(sys.argv[2])
    {"torch": run_torch, "jax": run_jax}[side](workdir)


if __name__ == "__main__":
    main()
