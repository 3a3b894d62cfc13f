"""Capturing a translated training run's jitted steps (JAX side, untrusted process, no torch).

While the translation's `train(*models, *data)` runs, every call of a function decorated with `nnx.jit` is
exported (jax.export, once per signature) as a pure program over the arrays of the graph nodes it receives:

    step(variables, arrays) -> (outputs, variables after the call)

and the call is logged: which program, which variables (by identity, so the trusted runner can carry each one
from call to call itself), the array arguments (the batch) and the scalar optimizer hyperparameters the host code
set before it (a learning-rate schedule). Losses are traced back to the step output they came from (`.item()`,
`float()` or the array itself). The trusted runner (t2j.verify.training_replay) replays the log from the torch
initial weights; nothing this process computes is believed. Host code that changes weights or optimizer moments
between steps, or steps that are not `nnx.jit` functions of the models, cannot be replayed: the verdict then says so.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from t2j.verify.jax_side import Leaves

MAX_PROGRAMS = 32  # distinct step signatures one training run may export


class CaptureError(Exception):
    """The training run cannot be captured as exported steps; the message says why."""


class SourcedFloat(float):
    """A Python float that remembers the step output it was read from: (call index, output leaf index)."""

    source: tuple[int, int] | None = None


def _is_node(value) -> bool:
    from flax.nnx import graph

    return graph.is_graph_node(value)


def _is_array(value) -> bool:
    import jax

    return isinstance(value, (jax.Array, np.ndarray)) and not jax.dtypes.issubdtype(value.dtype, jax.dtypes.extended)


def _path(path) -> str:
    return ".".join(str(p) for p in path)


class StepRecorder:
    """The log of one training run: variables, exported programs, calls, and where losses came from."""

    def __init__(self, models):
        from flax import nnx

        self.models = models
        self.variables: list[Any] = []  # kept alive: ids stay unique
        self.index: dict[int, int] = {}
        self.info: list[dict] = []
        self.first: dict[int, np.ndarray] = {}
        self.programs: list[bytes] = []
        self.signatures: dict[Any, int] = {}
        self.calls: list[dict] = []
        self.arrays: dict[str, np.ndarray] = {}
        self.sources: dict[int, tuple[int, int]] = {}
        self.keep: list[Any] = []
        self.depth = 0
        for number, model in enumerate(models):
            for path, node in nnx.iter_graph(model):
                if isinstance(node, (nnx.Param, nnx.BatchStat)) and _is_array(node.get_value()):
                    self._variable(node, {"model": number, "path": _path(path), "kind": type(node).__name__})

    def _variable(self, node, info: dict) -> int:
        key = id(node)
        if key not in self.index:
            value = np.asarray(node.get_value())
            self.index[key] = len(self.variables)
            self.variables.append(node)
            self.info.append(dict(info, shape=list(value.shape), dtype=str(value.dtype)))
            self.first[self.index[key]] = value
        return self.index[key]

    def source_of(self, value) -> tuple[int, int] | None:
        if isinstance(value, SourcedFloat):
            return value.source
        return self.sources.get(id(value))

    def capture(self, fun, jitted, args, kwargs):
        import jax
        from flax import nnx

        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs), is_leaf=_is_node)
        node_pos = [i for i, leaf in enumerate(leaves) if _is_node(leaf)]
        array_pos = [i for i, leaf in enumerate(leaves) if i not in node_pos and _is_array(leaf)]
        static_pos = [i for i in range(len(leaves)) if i not in node_pos and i not in array_pos]
        nodes = tuple(leaves[i] for i in node_pos)
        graphdef, state = nnx.split(nodes)
        state_leaves = Leaves(state)
        by_path = {_path(p): n for p, n in nnx.iter_graph(nodes) if isinstance(n, nnx.Variable)}
        variables = []
        for path in state_leaves.paths:
            node = by_path.get(path)
            if node is None:
                raise CaptureError(f"the jitted step '{fun.__name__}' holds an array at '{path}' that is no variable")
            kind = type(node).__name__
            host = "hyperparams" in path.split(".") and np.ndim(node.get_value()) == 0
            variables.append(self._variable(node, {"model": None, "path": path, "kind": kind, "host": host}))
        arrays = [leaves[i] for i in array_pos]
        statics = [leaves[i] for i in static_pos]
        specs = (state_leaves.specs(), [jax.ShapeDtypeStruct(np.shape(a), a.dtype) for a in arrays])
        try:
            key = (id(fun), graphdef, treedef, repr(specs), repr(statics))
            hash(key)
        except TypeError:
            key = (id(fun), repr(graphdef), repr(treedef), repr(specs), repr(statics))
        if key not in self.signatures:
            if len(self.programs) >= MAX_PROGRAMS:
                raise CaptureError(
                    f"the jitted step '{fun.__name__}' was traced for more than {MAX_PROGRAMS} signatures"
                )
            self.signatures[key] = len(self.programs)
            self.programs.append(self._export(fun, graphdef, state_leaves, treedef, leaves, node_pos, array_pos, specs))
        call = len(self.calls)
        for k, a in enumerate(arrays):
            self.arrays[f"call{call}/array{k}"] = np.asarray(a)
        host = [k for k, v in enumerate(variables) if self.info[v].get("host")]
        for k in host:
            self.arrays[f"call{call}/host{k}"] = np.asarray(self.variables[variables[k]].get_value())
        self.depth += 1
        try:
            result = jitted(*args, **kwargs)
        finally:
            self.depth -= 1
        outputs = [leaf for leaf in jax.tree_util.tree_leaves(result) if _is_array(leaf)]
        for k, leaf in enumerate(outputs):
            if np.size(leaf) == 1:
                self.keep.append(leaf)
                self.sources[id(leaf)] = (call, k)
        self.calls.append(
            {
                "program": self.signatures[key],
                "variables": variables,
                "arrays": len(arrays),
                "host": host,
                "outputs": len(outputs),
                "name": getattr(fun, "__name__", "step"),
            }
        )
        return result

    def _export(self, fun, graphdef, state_leaves, treedef, leaves, node_pos, array_pos, specs) -> bytes:
        import jax
        from flax import nnx

        def step(variable_args, array_args):
            nodes = nnx.merge(graphdef, state_leaves.rebuild(variable_args))
            call_leaves = list(leaves)
            for i, node in zip(node_pos, nodes):
                call_leaves[i] = node
            for i, a in zip(array_pos, array_args):
                call_leaves[i] = a
            args, kwargs = jax.tree_util.tree_unflatten(treedef, call_leaves)
            result = fun(*args, **kwargs)
            after = Leaves(nnx.state(nodes))
            if after.paths != state_leaves.paths:
                raise CaptureError(f"the jitted step '{fun.__name__}' adds or removes variables of its arguments")
            return [leaf for leaf in jax.tree_util.tree_leaves(result) if _is_array(leaf)], after.args()

        try:
            return bytes(jax.export.export(jax.jit(step))(*specs).serialize())
        except CaptureError:
            raise
        except Exception as exc:  # noqa: BLE001 -- why the step cannot become a program is the verdict's reason
            raise CaptureError(
                f"the jitted step '{fun.__name__}' cannot be exported as one program: {type(exc).__name__}: {exc}"
            ) from None


@functools.lru_cache(maxsize=1)
def _originals() -> dict:
    from flax import nnx
    from jax._src.array import ArrayImpl

    return {"jit": nnx.jit, "item": ArrayImpl.item, "float": ArrayImpl.__float__}


_recording: dict[str, StepRecorder | None] = {"recorder": None}


def record_into(recorder: StepRecorder | None) -> None:
    """Capture the jitted calls from now on into `recorder` (None: stop capturing)."""
    _recording["recorder"] = recorder


def install() -> None:
    """Route nnx.jit through the active recorder and let `.item()`/`float()` of a step output remember where it
    came from (before the translation is imported, so that module-level `@nnx.jit` steps are captured too)."""
    from flax import nnx
    from jax._src.array import ArrayImpl

    original = _originals()

    def jit(fun=None, **options):
        if fun is None:
            return functools.partial(jit, **options)
        jitted = original["jit"](fun, **options)

        @functools.wraps(fun)
        def call(*args, **kwargs):
            recorder = _recording["recorder"]
            if recorder is None or recorder.depth:
                return jitted(*args, **kwargs)
            return recorder.capture(fun, jitted, args, kwargs)

        return call

    def sourced(name):
        def read(self, *args):
            value = original[name](self, *args)
            recorder = _recording["recorder"]
            source = recorder.sources.get(id(self)) if recorder is not None else None
            if source is not None and isinstance(value, float) and not args:
                value = SourcedFloat(value)
                value.source = source
            return value

        return read

    nnx.jit = jit
    # patching the array class's methods is the point (a step output's `.item()` must remember its source)
    setattr(ArrayImpl, "item", sourced("item"))
    setattr(ArrayImpl, "__float__", sourced("float"))


def uninstall() -> None:
    from flax import nnx
    from jax._src.array import ArrayImpl

    original = _originals()
    nnx.jit = original["jit"]
    setattr(ArrayImpl, "item", original["item"])
    setattr(ArrayImpl, "__float__", original["float"])
