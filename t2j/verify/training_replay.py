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


def replay(job: Bundle, programs: dict[str, bytes]) -> Bundle:
    """Run the logged calls in order; returns the losses asked for (`loss/<call>/<leaf>`) and the final value of
    every model variable (`final/<number>`)."""
    import jax

    meta = job.meta
    values: dict[int, object] = {int(k): v for k, v in job.group("var").items()}
    loaded = {name: load(name, blob) for name, blob in programs.items()}
    compiled: dict[str, Callable] = {}
    wanted: dict[int, set[int]] = {}
    for source in meta["losses"]:
        if source is not None:
            wanted.setdefault(int(source[0]), set()).add(int(source[1]))
    out = Bundle()
    started = time.perf_counter()
    for number, call in enumerate(meta["calls"]):
        name = f"step{int(call['program'])}"
        if name not in loaded:
            raise ProgramRejected(f"call {number} runs the program {name}, which the translation did not export")
        variables = [int(v) for v in call["variables"]]
        var_args = [values[v] for v in variables]
        for k in call["host"]:
            var_args[int(k)] = job.arrays[f"call{number}/host{int(k)}"]
        arrays = [job.arrays[f"call{number}/array{k}"] for k in range(int(call["arrays"]))]
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
        for leaf in sorted(wanted.get(number, ())):
            if leaf < len(outputs):
                out.arrays[f"loss/{number}/{leaf}"] = np.asarray(outputs[leaf])
    jax.block_until_ready(list(values.values()))
    out.meta["jax_train_s"] = time.perf_counter() - started
    for number, info in enumerate(meta["variables"]):
        if info.get("model") is not None:
            out.arrays[f"final/{number}"] = np.asarray(values[number])
    return out
