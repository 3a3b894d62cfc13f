"""The trusted runner of a training check: replays the train steps a translation exported, from the torch
initial weights, carrying every variable from one call to the next itself.

Imports only t2j, jax and numpy (no user code). The job (built by the parent, t2j.verify.training) holds the
programs (step<k>), the log of calls (program, variables by number, the batch arrays, the scalar optimizer
hyperparameters host code set before the call), the initial value of every variable (the torch weights in the
JAX layout wherever the variable was ported from one) and which step outputs train() returned as its losses.
Each program is checked like a module's (no host callbacks, the signature of the arrays it gets) before it runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from t2j.verify.bundle import Bundle
from t2j.verify.program_runner import ProgramRejected, _check_signature, load
from t2j.verify.training_provenance import evaluate, outputs_used


def replay(job: Bundle, programs: dict[str, bytes]) -> Bundle:
    """Run the logged calls in order; returns the losses asked for (`loss/<number>`: the sum of its terms'
    step outputs) and the final value of every model variable (`final/<number>`). An array argument with a
    provenance expression is computed here from the data and this runner's own earlier outputs; host code
    putting an earlier value back into a variable is replayed from this runner's own earlier values."""
    import jax

    meta = job.meta
    values: dict[int, object] = {int(k): v for k, v in job.group("var").items()}
    initial = dict(values)
    data = {j: job.arrays[f"data/{j}"] for j in range(int(meta.get("data", 0)))}
    loaded = {name: load(name, blob) for name, blob in programs.items()}
    compiled: dict[str, Callable] = {}
    needed: set[tuple[int, int]] = set()
    for source in meta["losses"]:
        for term in source or ():
            needed.add((int(term[0]), int(term[1])))
    for call in meta["calls"]:
        for expr in call.get("sources") or ():
            if expr is not None:
                outputs_used(expr, needed)
    sets: dict[int, list[tuple[int, int]]] = {}
    kept: set[tuple[int, int]] = set()
    for before, variable, origin in meta.get("sets", []):
        sets.setdefault(int(before), []).append((int(variable), int(origin)))
        kept.add((int(origin), int(variable)))
    history: dict[tuple[int, int], object] = {}
    outputs_kept: dict[tuple[int, int], object] = {}

    def index_arrays(name: str) -> list[np.ndarray]:
        arrays, m = [], 0
        while f"{name}/{m}" in job.arrays:
            arrays.append(job.arrays[f"{name}/{m}"])
            m += 1
        return arrays

    def restore(before: int) -> None:
        for variable, origin in sets.get(before, ()):
            values[variable] = initial[variable] if origin == -1 else history[(origin, variable)]

    out = Bundle()
    started = time.perf_counter()
    for number, call in enumerate(meta["calls"]):
        restore(number)
        name = f"step{int(call['program'])}"
        if name not in loaded:
            raise ProgramRejected(f"call {number} runs the program {name}, which the translation did not export")
        variables = [int(v) for v in call["variables"]]
        var_args = [values[v] for v in variables]
        for k in call["host"]:
            var_args[int(k)] = job.arrays[f"call{number}/host{int(k)}"]
        sources = call.get("sources") or [None] * int(call["arrays"])
        arrays = [
            job.arrays[f"call{number}/array{k}"]
            if sources[k] is None
            else evaluate(sources[k], data, outputs_kept, index_arrays)
            for k in range(int(call["arrays"]))
        ]
        _check_signature(name, loaded[name], (var_args, arrays))
        if name not in compiled:
            compiled[name] = jax.jit(loaded[name].call)
        outputs, after = compiled[name](var_args, arrays)
        if len(after) != len(variables):
            raise ProgramRejected(
                f"SignatureMismatch: the {name} program returns {len(after)} variables, it takes {len(variables)}"
            )
        for v, value in zip(variables, after):
            values[v] = value
            if (number, v) in kept:
                history[(number, v)] = value
        for leaf, value in enumerate(outputs):
            if (number, leaf) in needed:
                outputs_kept[(number, leaf)] = value
    restore(len(meta["calls"]))
    for number, source in enumerate(meta["losses"]):
        if source is not None:
            total = sum(
                float(term[2])
                * float(np.asarray(outputs_kept[(int(term[0]), int(term[1]))], np.float64).reshape(-1)[0])
                for term in source
            )
            out.arrays[f"loss/{number}"] = np.asarray(total, np.float64)
    jax.block_until_ready(list(values.values()))
    out.meta["jax_train_s"] = time.perf_counter() - started
    for number, info in enumerate(meta["variables"]):
        if info.get("model") is not None:
            out.arrays[f"final/{number}"] = np.asarray(values[number])
    return out
