"""Capturing a translated training run's jitted steps (JAX side, untrusted process, no torch).

While the translation's `train(*models, *data)` runs, every call of a function decorated with `nnx.jit` is
exported (jax.export, once per signature) as a pure program over the arrays of the graph nodes it receives:

    step(variables, arrays) -> (outputs, variables after the call)

and the call is logged: which program, which variables (by identity, so the trusted runner can carry each one
from call to call itself), the array arguments (the batch) and the scalar optimizer hyperparameters the host code
set before it (a learning-rate schedule). Eager calls of the models and of `nnx.Optimizer.update` outside any
jitted step are captured the same way (host code computing a step's input with the model, or applying summed
gradients). Where each array argument came from is logged as an expression over the data and earlier outputs
(t2j.verify.training_provenance: indexing, sums), so the runner computes it itself; losses are traced back to
the step outputs they came from (`.item()`, `float()`, sums of those). Host code that puts an earlier value back
into a variable (restoring the best weights) is logged as such. The trusted runner (t2j.verify.training_replay)
replays the log from the torch initial weights; nothing this process computes is believed. Host code that changes
weights or optimizer moments otherwise, or steps that are not `nnx.jit` functions of the models, cannot be
replayed: the verdict then says so.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from t2j.verify.jax_side import Leaves
from t2j.verify.training_provenance import SourcedFloat, encode_index

MAX_PROGRAMS = 32  # distinct step signatures one training run may export
HISTORY_BYTES = 1 << 28  # variable values kept so that a restore of earlier weights can be named


class CaptureError(Exception):
    """The training run cannot be captured as exported steps; the message says why."""


def _is_node(value) -> bool:
    from flax.nnx import graph

    return graph.is_graph_node(value)


def _is_array(value) -> bool:
    import jax

    return isinstance(value, (jax.Array, np.ndarray)) and not jax.dtypes.issubdtype(value.dtype, jax.dtypes.extended)


def _path(path) -> str:
    return ".".join(str(p) for p in path)


class StepRecorder:
    """The log of one training run: variables, exported programs, calls, where their array arguments and the
    losses came from, and host code putting earlier values back into variables."""

    def __init__(self, models, data=()):
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
        self.derived: dict[int, list] = {}  # id(array) -> provenance expression
        self.keep: list[Any] = []
        self.current: dict[int, Any] = {}  # variable -> the value object the log accounts for
        self.history: dict[int, list[tuple[int, Any]]] = {}  # variable -> [(call, value after it)]
        self.history_bytes = 0
        self.sets: list[list[int]] = []  # [before call, variable, from call (-1: initial)]
        self.problems: list[str] = []
        self.unexportable: set[Any] = set()  # eager-call signatures that cannot become programs
        self.depth = 0
        self.indexes = 0
        for number, model in enumerate(models):
            for path, node in nnx.iter_graph(model):
                if isinstance(node, (nnx.Param, nnx.BatchStat)) and _is_array(node.get_value()):
                    self._variable(node, {"model": number, "path": _path(path), "kind": type(node).__name__})
        for j, array in enumerate(data):
            self.track(array, ["data", j])

    def track(self, array, expr: list) -> None:
        self.derived[id(array)] = expr
        self.keep.append(array)

    def _variable(self, node, info: dict) -> int:
        key = id(node)
        if key not in self.index:
            raw = node.get_value()
            value = np.asarray(raw)
            self.index[key] = len(self.variables)
            self.variables.append(node)
            self.info.append(dict(info, shape=list(value.shape), dtype=str(value.dtype)))
            self.first[self.index[key]] = value
            self.current[self.index[key]] = raw
        return self.index[key]

    def source_of(self, value) -> list | None:
        """The loss terms a returned value stands for, or None."""
        if isinstance(value, SourcedFloat):
            return value.terms or None
        expr = self.derived.get(id(value))
        if expr is not None and expr[0] == "out" and np.size(value) == 1:
            return [[expr[1], expr[2], 1.0]]
        return None

    def indexed(self, base, index, result) -> None:
        """Host code indexed a tracked array: the result is tracked too (when the index can be recorded)."""
        expr = self.derived.get(id(base))
        if expr is None or self.depth:
            return
        spec, arrays = encode_index(index)
        if spec is None:
            return
        name = f"index{self.indexes}"
        self.indexes += 1
        for m, a in enumerate(arrays):
            self.arrays[f"{name}/{m}"] = a
        self.track(result, ["index", expr, spec, name])

    def split(self, base, sections, axis, pieces) -> None:
        """jnp.split of a tracked array: each piece is a slice of it along `axis`."""
        expr = self.derived.get(id(base))
        if expr is None or self.depth or not isinstance(axis, int) or axis < 0:
            return
        size = np.shape(base)[axis]
        if isinstance(sections, (int, np.integer)):
            if not sections or size % int(sections):
                return
            bounds = list(range(0, size + 1, size // int(sections)))
        elif all(isinstance(b, (int, np.integer)) for b in sections):
            bounds = [0, *[int(b) for b in sections], size]
        else:
            return
        for piece, start, stop in zip(pieces, bounds, bounds[1:]):
            self.indexed(base, (slice(None),) * axis + (slice(start, stop),), piece)

    def arange(self, args, kwargs, result) -> None:
        if self.depth or kwargs or not 1 <= len(args) <= 3 or not all(type(a) is int for a in args):
            return
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        if step and np.dtype(result.dtype) == np.dtype(np.int32):
            self.track(result, ["arange", start, stop, step])

    def added(self, a, b, result) -> None:
        left, right = self.derived.get(id(a)), self.derived.get(id(b))
        if left is not None and right is not None and not self.depth:
            self.track(result, ["add", left, right])

    def _account(self, numbers, before: int) -> None:
        """Variables whose value is not the one the log accounts for were set by host code: name the earlier
        value it put back (bit-identical), or note the change as a problem."""
        for v in numbers:
            if self.info[v].get("host"):
                continue
            value = self.variables[v].get_value()
            if value is self.current[v]:
                continue
            found = None
            mine = np.asarray(value)
            for call, old in reversed(self.history.get(v, [])):
                if np.shape(old) == mine.shape and np.array_equal(np.asarray(old), mine):
                    found = call
                    break
            if found is None and mine.shape == self.first[v].shape and np.array_equal(self.first[v], mine):
                found = -1
            if found is None:
                self.problems.append(
                    f"host code changed '{self.info[v]['path']}' outside the jitted steps (before call {before}); "
                    "put every update of the weights and optimizer state in an @nnx.jit step"
                )
            else:
                self.sets.append([before, v, found])
            self.current[v] = value

    def _remember(self, call: int, numbers) -> None:
        for v in numbers:
            value = self.variables[v].get_value()
            self.current[v] = value
            if self.info[v].get("host"):
                continue
            self.history.setdefault(v, []).append((call, value))
            self.history_bytes += int(np.size(value)) * np.dtype(value.dtype).itemsize
        while self.history_bytes > HISTORY_BYTES and any(self.history.values()):
            oldest = min((h[0][0], v) for v, h in self.history.items() if h)[1]
            _, dropped = self.history[oldest].pop(0)
            self.history_bytes -= int(np.size(dropped)) * np.dtype(dropped.dtype).itemsize

    def finish(self) -> None:
        """After train() returned: account for the final value of every model variable."""
        self._account([v for v, info in enumerate(self.info) if info.get("model") is not None], len(self.calls))

    def capture(self, fun, jitted, args, kwargs, eager: bool = False):
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
        key: Any
        try:
            key = (id(fun), graphdef, treedef, repr(specs), repr(statics))
            hash(key)
        except TypeError:
            key = (id(fun), repr(graphdef), repr(treedef), repr(specs), repr(statics))
        if key in self.unexportable:
            return jitted(*args, **kwargs)
        self.depth += 1
        try:
            if key not in self.signatures:
                if len(self.programs) >= MAX_PROGRAMS:
                    raise CaptureError(
                        f"the jitted step '{fun.__name__}' was traced for more than {MAX_PROGRAMS} signatures"
                    )
                blob = self._export(fun, graphdef, state_leaves, treedef, leaves, node_pos, array_pos, specs)
                self.signatures[key] = len(self.programs)
                self.programs.append(blob)
        except CaptureError:
            self.depth -= 1
            if eager:  # host code may call the model for anything: only what reaches a step must be replayable
                self.unexportable.add(key)
                return jitted(*args, **kwargs)
            raise
        self.depth -= 1
        call = len(self.calls)
        self._account(variables, call)
        for k, a in enumerate(arrays):
            self.arrays[f"call{call}/array{k}"] = np.asarray(a)
        host_set = [k for k, v in enumerate(variables) if self.info[v].get("host")]
        for k in host_set:
            self.arrays[f"call{call}/host{k}"] = np.asarray(self.variables[variables[k]].get_value())
        sources = [self.derived.get(id(a)) for a in arrays]
        self.depth += 1
        try:
            result = jitted(*args, **kwargs)
        finally:
            self.depth -= 1
        outputs = [leaf for leaf in jax.tree_util.tree_leaves(result) if _is_array(leaf)]
        for k, leaf in enumerate(outputs):
            self.track(leaf, ["out", call, k])
        self._remember(call, variables)
        self.calls.append(
            {
                "program": self.signatures[key],
                "variables": variables,
                "arrays": len(arrays),
                "sources": sources,
                "host": host_set,
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
    import jax.numpy as jnp
    from flax import nnx
    from jax._src.array import ArrayImpl

    return {
        "jit": nnx.jit,
        "item": ArrayImpl.item,
        "float": ArrayImpl.__float__,
        "getitem": ArrayImpl.__getitem__,
        "array_add": ArrayImpl.__add__,
        "array_radd": ArrayImpl.__radd__,
        "jnp_add": jnp.add,
        "jnp_split": jnp.split,
        "jnp_arange": jnp.arange,
        "optimizer_update": nnx.Optimizer.update,
    }


_recording: dict[str, Any] = {"recorder": None, "classes": {}}


def record_into(recorder: StepRecorder | None) -> None:
    """Capture the jitted calls from now on into `recorder` (None: stop capturing). Eager calls of the
    recorder's models (their classes' __call__) are captured too while it records."""
    _recording["recorder"] = recorder
    classes: dict[type, Any] = _recording["classes"]
    for cls, original in classes.items():
        setattr(cls, "__call__", original)
    classes.clear()
    if recorder is None:
        return
    for model in recorder.models:
        cls = type(model)
        if cls in classes or "__call__" not in cls.__dict__:
            continue
        original = classes[cls] = cls.__dict__["__call__"]

        def call(self, *args, _original=original, **kwargs):
            active = _recording["recorder"]
            if active is None or active.depth or not any(self is m for m in active.models):
                return _original(self, *args, **kwargs)
            return active.capture(_original, _original, (self, *args), kwargs, eager=True)

        functools.update_wrapper(call, original)
        setattr(cls, "__call__", call)


class _TrackedAdd:
    """jnp.add that records sums of tracked arrays (host code summing gradients with jax.tree.map)."""

    def __init__(self, original):
        self._original = original

    def __call__(self, a, b, *args, **kwargs):
        result = self._original(a, b, *args, **kwargs)
        recorder = _recording["recorder"]
        if recorder is not None and not args and not kwargs:
            recorder.added(a, b, result)
        return result

    def __getattr__(self, name):
        return getattr(self._original, name)


def install() -> None:
    """Route nnx.jit and eager nnx.Optimizer.update through the active recorder, let `.item()`/`float()` of a
    step output remember where it came from, and indexing and sums of tracked arrays record how they were made
    (before the translation is imported, so that module-level `@nnx.jit` steps are captured too)."""
    import jax.numpy as jnp
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
            terms = recorder.source_of(self) if recorder is not None else None
            if terms is not None and isinstance(value, float) and not args:
                value = SourcedFloat.of(value, terms)
            return value

        return read

    def getitem(self, index):
        result = original["getitem"](self, index)
        recorder = _recording["recorder"]
        if recorder is not None:
            recorder.indexed(self, index, result)
        return result

    def adder(name, swap):
        def add(self, other):
            result = original[name](self, other)
            recorder = _recording["recorder"]
            if recorder is not None and result is not NotImplemented:
                recorder.added(*((other, self) if swap else (self, other)), result)
            return result

        return add

    def update(self, *args, **kwargs):
        recorder = _recording["recorder"]
        if recorder is None or recorder.depth:
            return original["optimizer_update"](self, *args, **kwargs)
        return recorder.capture(original["optimizer_update"], original["optimizer_update"], (self, *args), kwargs, True)

    def split(ary, indices_or_sections, axis=0):
        pieces = original["jnp_split"](ary, indices_or_sections, axis=axis)
        recorder = _recording["recorder"]
        if recorder is not None:
            recorder.split(ary, indices_or_sections, axis, pieces)
        return pieces

    def arange(*args, **kwargs):
        result = original["jnp_arange"](*args, **kwargs)
        recorder = _recording["recorder"]
        if recorder is not None:
            recorder.arange(args, kwargs, result)
        return result

    nnx.jit = jit
    # patching the array and optimizer classes' methods is the point (a step output's `.item()` must remember
    # its source, an eager optimizer.update must become a program)
    jnp.split = split
    jnp.arange = arange
    setattr(ArrayImpl, "item", sourced("item"))
    setattr(ArrayImpl, "__float__", sourced("float"))
    setattr(ArrayImpl, "__getitem__", getitem)
    setattr(ArrayImpl, "__add__", adder("array_add", False))
    setattr(ArrayImpl, "__radd__", adder("array_radd", True))
    jnp.add = _TrackedAdd(original["jnp_add"])
    setattr(nnx.Optimizer, "update", update)


def uninstall() -> None:
    import jax.numpy as jnp
    from flax import nnx
    from jax._src.array import ArrayImpl

    record_into(None)
    original = _originals()
    nnx.jit = original["jit"]
    setattr(ArrayImpl, "item", original["item"])
    setattr(ArrayImpl, "__float__", original["float"])
    setattr(ArrayImpl, "__getitem__", original["getitem"])
    setattr(ArrayImpl, "__add__", original["array_add"])
    setattr(ArrayImpl, "__radd__", original["array_radd"])
    jnp.add = original["jnp_add"]
    jnp.split = original["jnp_split"]
    jnp.arange = original["jnp_arange"]
    setattr(nnx.Optimizer, "update", original["optimizer_update"])
