"""The recording checker's trusted replay: the losses and weights a translated train step is judged by come from
the trusted runner (t2j.verify.training_replay), which runs the step's exported programs from the torch initial
weights on the torch values recorded for each call, not from what the translation's process reports.

The JAX side of the recording checker (t2j.verify.recording_side) captures every replayed call of a step with
t2j.verify.training_capture's StepRecorder: the programs, the variables and the log of the calls. Here the log is
checked: every array a call received must be one of the torch values recorded for that call (the batch), the
initial value of every ported variable is the torch weight in the JAX layout, host code may set only scalar
optimizer hyperparameters (a learning-rate schedule). The step's loss is its first output.
"""

from __future__ import annotations

import numpy as np

from t2j.settings import Settings
from t2j.verify.bundle import Bundle
from t2j.verify.jobs import SideFailed, canonical, run_side
from t2j.verify.port import apply_steps


class ReplayRefused(Exception):
    """The step's calls cannot be replayed by the trusted runner; the message says why."""


def _trusted_initial(name: str, capture: dict, trained: list[str], recorded: Bundle, replayed: Bundle) -> dict:
    mappings = {m["jax_path"]: m for m in replayed.meta.get(f"{name}/mappings", [])}
    values = {}
    for number, info in enumerate(capture["variables"]):
        shape, dtype = tuple(info["shape"]), np.dtype(info["dtype"])
        value = None
        if info.get("model") is not None:
            param = capture["models"][int(info["model"])]
            prefix = f"{param}." if len(trained) > 1 else ""
            mapping = mappings.get(prefix + info["path"])
            if mapping is not None:
                key = f"{name}/init/{param}/{mapping['torch_key'][len(prefix) :]}"
                if key not in recorded.arrays:
                    raise ReplayRefused(f"the replay ported '{mapping['torch_key']}', which torch did not record")
                value = apply_steps(recorded.arrays[key], [tuple(step) for step in mapping["steps"]])
        if value is None:
            value = np.asarray(replayed.arrays[f"{name}/var/{number}"])
            if info.get("model") is None and info["path"].split(".")[-1] == "learning_rate":
                _check_learning_rate(name, 0, info["path"], value, recorded)
        if value.shape != shape:
            raise ReplayRefused(f"the variable '{info['path']}' is not {dtype.name}{list(shape)}")
        values[str(number)] = value.astype(dtype)
    return values


def _check_learning_rate(name: str, call: int, path: str, value: np.ndarray, recorded: Bundle) -> None:
    """The learning rate the JAX side gives call `call` must be the one torch's optimizer used for that step."""
    lrs = recorded.meta.get("steps", {}).get(name, {}).get("lrs", [])
    if call >= len(lrs):
        return  # torch recorded no single learning rate for this step (several parameter groups, no optimizer)
    if value.shape or not np.isclose(float(value), lrs[call], rtol=1e-6, atol=0.0):
        raise ReplayRefused(
            f"call {call} of the step uses learning rate {value.tolist()} ('{path}'), torch's optimizer used {lrs[call]}"
        )


def _trusted_argument(name: str, call: int, k: int, recorded: Bundle, replayed: Bundle) -> np.ndarray:
    """The torch value recorded for this call that the JAX side says it passed as argument k."""
    logged = np.asarray(replayed.arrays[f"{name}/call{call}/array{k}"])
    for key, value in recorded.group(f"{name}/call{call}").items():
        trusted = canonical(np.ascontiguousarray(value), False)
        if trusted.dtype == logged.dtype and trusted.shape == logged.shape and trusted.tobytes() == logged.tobytes():
            return trusted
    raise ReplayRefused(
        f"argument {k} of call {call} is not one of the torch values recorded for the step; pass the step's "
        "batch to it unchanged and compute anything else inside the jitted step"
    )


def replay_step(
    name: str, trained: list[str], recorded: Bundle, replayed: Bundle, settings: Settings
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The step's losses and the weights after its last call, as the trusted runner computes them (paths as the
    JAX side reports its mappings). Raises ReplayRefused when the log cannot be replayed."""
    capture = replayed.meta.get(f"{name}/capture")
    if not capture or not capture.get("calls"):
        raise ReplayRefused("the translation's step calls were not captured")
    if capture.get("problems"):
        raise ReplayRefused(str(capture["problems"][0]))
    calls, variables = capture["calls"], capture["variables"]
    programs = {f"step{k}": replayed.arrays[f"{name}/program{k}"].tobytes() for k in range(int(capture["programs"]))}
    job = Bundle(
        meta={
            "mode": "training",
            "calls": calls,
            "variables": [{"model": v.get("model")} for v in variables],
            "losses": [[[number, 0, 1.0]] for number in range(len(calls))],
            "sets": [],
            "programs": sorted(programs),
            "data": 0,
        }
    )
    if capture.get("sets"):
        raise ReplayRefused("host code put earlier values back into the step's variables")
    for number, call in enumerate(calls):
        if int(call["outputs"]) < 1:
            raise ReplayRefused(f"call {number} of the step returns no array (its loss)")
        for k in call["host"]:
            info = variables[call["variables"][k]]
            if info.get("model") is not None or info["shape"] or "hyperparams" not in info["path"].split("."):
                raise ReplayRefused(f"host code sets '{info['path']}', which is no hyperparameter")
            value = np.asarray(replayed.arrays[f"{name}/call{number}/host{k}"])
            if info["path"].split(".")[-1] == "learning_rate":
                _check_learning_rate(name, number, info["path"], value, recorded)
            job.arrays[f"call{number}/host{k}"] = value
        for k in range(int(call["arrays"])):
            job.arrays[f"call{number}/array{k}"] = _trusted_argument(name, number, k, recorded, replayed)
    job.put_group("var", _trusted_initial(name, capture, trained, recorded, replayed))
    try:
        run, _ = run_side("runner", None, "train", "training", settings, job, programs)
    except SideFailed as exc:
        raise ReplayRefused(f"the trusted runner failed: {exc.args[1]}") from None
    losses = np.asarray([float(run.arrays[f"loss/{n}"]) for n in range(len(calls))], np.float64)
    final = {}
    for number, info in enumerate(variables):
        if info.get("model") is not None and f"final/{number}" in run.arrays:
            param = capture["models"][int(info["model"])]
            prefix = f"{param}." if len(trained) > 1 else ""
            final[prefix + info["path"]] = run.arrays[f"final/{number}"]
    return losses, final
