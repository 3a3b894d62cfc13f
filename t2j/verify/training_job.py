"""The trusted runner's job for a training check, built in the parent from the JAX side's log of its captured
calls (t2j.verify.training_capture) and the torch side's bundle: every part of the log is checked here, the
initial values of the ported variables and the data tensors come from the torch side, and where a step's array
argument was made from the data or from earlier outputs the runner recomputes it from the expression logged
(t2j.verify.training_provenance) instead of taking the array the JAX side passed.
"""

from __future__ import annotations

import math
import re

import numpy as np

from t2j.verify.bundle import Bundle
from t2j.verify.jobs import SideFailed, canonical
from t2j.verify.port import apply_steps
from t2j.verify.training_provenance import check_expression

NOT_REPLAYABLE = "NotReplayable: the training run cannot be replayed by the trusted runner: "


def _trusted_initial(torch_bundle: Bundle, jax_result: Bundle) -> dict[str, np.ndarray]:
    """The initial value of every captured variable: the torch weight in the JAX layout where the variable was
    ported from one, else the translation's own (optimizer state, unported constants), checked against its
    declared shape and dtype."""
    variables = jax_result.meta["variables"]
    own = jax_result.group("var")
    by_path: dict[tuple[int, str], dict] = {}
    for index in range(torch_bundle.meta["models"]):
        for m in jax_result.meta.get(f"mappings{index}", []):
            by_path.setdefault((index, m["jax_path"]), m)
    values = {}
    for number, info in enumerate(variables):
        shape, dtype = tuple(info["shape"]), np.dtype(info["dtype"])
        mapping = by_path.get((info.get("model"), info["path"])) if info.get("model") is not None else None
        if mapping is not None:
            value = apply_steps(torch_bundle.arrays[f"init{info['model']}/{mapping['torch_key']}"], mapping["steps"])
        else:
            value = np.asarray(own[str(number)])
        if value.shape != shape:
            raise SideFailed("jax", f"the JAX side's variable '{info['path']}' is not {dtype.name}{list(shape)}")
        values[str(number)] = value.astype(dtype)
    return values


def _data_rows(torch_bundle: Bundle) -> list[tuple[np.dtype, tuple[int, ...], set[bytes]]]:
    rows = []
    for index in range(torch_bundle.meta["data"]):
        data = canonical(np.ascontiguousarray(torch_bundle.arrays[f"data/{index}"]), False)
        flat = data.reshape(data.shape[0], -1) if data.ndim else data.reshape(1, 1)
        rows.append((data.dtype, data.shape[1:], {row.tobytes() for row in flat}))
    return rows


def _from_data(array: np.ndarray, rows) -> bool:
    """Whether every row (along axis 0) of a step's batch argument is a row of one of the data tensors."""
    for dtype, tail, known in rows:
        if array.dtype == dtype and array.ndim >= 1 and tuple(array.shape[1:]) == tuple(tail):
            flat = np.ascontiguousarray(array).reshape(array.shape[0], -1)
            if all(row.tobytes() in known for row in flat):
                return True
        if array.dtype == dtype and array.shape == () and not tail and array.tobytes() in known:
            return True
    return False


def _loss_terms(losses, calls) -> None:
    for source in losses:
        if source is None:
            continue
        for term in source:
            call, leaf, weight = int(term[0]), int(term[1]), float(term[2])
            if not (0 <= call < len(calls) and 0 <= leaf < int(calls[call]["outputs"]) and math.isfinite(weight)):
                raise SideFailed("jax", "the JAX side's results are malformed (a loss names no step output)")


def _sets(sets, calls, variables) -> list[list[int]]:
    """Host code putting an earlier value back into a variable: [before call, variable, from call or -1]."""
    checked = []
    for before, variable, origin in sets:
        before, variable, origin = int(before), int(variable), int(origin)
        valid = 0 <= before <= len(calls) and 0 <= variable < len(variables)
        if origin != -1:
            valid = valid and 0 <= origin < before and variable in calls[origin]["variables"]
        if not valid:
            raise SideFailed("jax", "the JAX side's results are malformed (a restored value names no earlier one)")
        checked.append([before, variable, origin])
    return checked


def replay_job(torch_bundle: Bundle, jax_result: Bundle, programs: dict[str, bytes]) -> Bundle:
    """The trusted runner's job: the captured calls, checked here, with the trusted initial values and data."""
    meta = jax_result.meta
    calls, variables, losses = meta["calls"], meta["variables"], meta["losses"]
    if meta.get("problems"):
        raise SideFailed("jax", NOT_REPLAYABLE + str(meta["problems"][0]))
    if not calls:
        raise SideFailed(
            "jax",
            NOT_REPLAYABLE + "train() ran no nnx.jit function of the model(s). Put the optimizer step "
            "(loss, gradients, update) in a function decorated with @nnx.jit that takes the model and optimizer "
            "as arguments, so that it can be exported and replayed",
        )
    if not any(source is not None for source in losses):
        raise SideFailed(
            "jax",
            NOT_REPLAYABLE + "none of the losses train() returned is an output of a jitted step; return the "
            "step's loss (loss.item() of what the @nnx.jit step returns, or a sum of those)",
        )
    _loss_terms(losses, calls)
    rows = _data_rows(torch_bundle)
    job = Bundle(
        meta={
            "mode": "training",
            "calls": calls,
            "variables": [{"model": v.get("model")} for v in variables],
            "losses": losses,
            "sets": _sets(meta.get("sets", []), calls, variables),
            "programs": sorted(programs),
            "data": torch_bundle.meta["data"],
        }
    )
    for index in range(torch_bundle.meta["data"]):
        job.arrays[f"data/{index}"] = canonical(np.ascontiguousarray(torch_bundle.arrays[f"data/{index}"]), False)
    for number, call in enumerate(calls):
        for k in call["host"]:
            info = variables[call["variables"][k]]
            if info.get("model") is not None or info["shape"] or "hyperparams" not in info["path"].split("."):
                raise SideFailed("jax", NOT_REPLAYABLE + f"host code sets '{info['path']}', which is no hyperparameter")
            job.arrays[f"call{number}/host{k}"] = np.asarray(jax_result.arrays[f"call{number}/host{k}"])
        sources = call.get("sources") or [None] * int(call["arrays"])
        for k in range(call["arrays"]):
            if sources[k] is not None:
                _copy_expression(sources[k], number, calls, jax_result, job)
                continue
            array = np.asarray(jax_result.arrays[f"call{number}/array{k}"])
            if not _from_data(array, rows):
                raise SideFailed(
                    "jax",
                    NOT_REPLAYABLE + f"argument {k} of the jitted step '{call.get('name', '?')}' (call {number}) "
                    "is neither made of rows of make_data()'s tensors nor computed from them or from earlier "
                    "steps' outputs by indexing or sums; pass the batches themselves and compute anything else "
                    "inside the step",
                )
            job.arrays[f"call{number}/array{k}"] = array
    job.put_group("var", _trusted_initial(torch_bundle, jax_result))
    return job


def _copy_expression(expr, number: int, calls, jax_result: Bundle, job: Bundle) -> None:
    """Check an argument's provenance expression and copy the index arrays it names into the job."""
    try:
        check_expression(expr, number)
    except ValueError as exc:
        raise SideFailed("jax", f"the JAX side's results are malformed ({exc})") from None
    stack = [expr]
    while stack:
        item = stack.pop()
        if item[0] == "index":
            name = str(item[3])
            if not re.fullmatch(r"index\d+", name):
                raise SideFailed("jax", "the JAX side's results are malformed (an index names no index arrays)")
            for part in item[2]:
                if isinstance(part, dict) and "array" in part:
                    key = f"{name}/{int(part['array'])}"
                    job.arrays[key] = np.asarray(jax_result.arrays[key])
            stack.append(item[1])
        elif item[0] == "add":
            stack.extend(item[1:])
        elif item[0] == "out" and not 0 <= item[2] < int(calls[item[1]]["outputs"]):
            raise SideFailed("jax", "the JAX side's results are malformed (an argument names no step output)")
