"""Where the arrays and numbers of a captured training run come from, as expressions the trusted runner can
recompute itself (t2j.verify.training_capture records them, t2j.verify.training_replay evaluates them).

An expression is a small JSON tree over trusted values only:

    ["data", j]                 the j-th tensor of make_data() (the torch side's, held by the parent)
    ["out", call, k]            the k-th array output of an earlier captured call, as the runner computed it
    ["index", expr, spec]       basic or integer-array indexing of expr (spec: encode_index)
    ["add", expr, expr]         elementwise sum (host code summing gradients, or losses as arrays)
    ["arange", start, stop, step]   jnp.arange of Python integers (index vectors built on the host)

jnp.split of a tracked array is recorded as indexing (a slice along the axis) for each piece.

A loss is a list of terms [call, k, coefficient]: the sum of coefficient x output k of a call (host code that
adds up `.item()` values of step outputs, or scales them by a number). Nothing of the untrusted process's own
values enters an expression except the integers of an index (which rows of the data it picked).
"""

from __future__ import annotations

from typing import Any

import numpy as np

MAX_DEPTH = 64  # deeper expressions are rejected (a hostile log could nest without end)


class SourcedFloat(float):
    """A Python float read from step outputs: its value is sum(coefficient * output) over `terms`
    ([call, output leaf, coefficient]). Sums with other sourced floats or with 0, and scaling by a number,
    keep the terms; any other arithmetic gives a plain float (a loss the runner cannot recompute)."""

    terms: list[list[Any]] = []

    @classmethod
    def of(cls, value: float, terms: list[list[Any]]) -> SourcedFloat:
        out = cls(value)
        out.terms = terms
        return out

    def _plus(self, other, sign: float):
        value = float(self) + sign * float(other)
        if isinstance(other, SourcedFloat):
            return SourcedFloat.of(value, self.terms + [[c, k, sign * w] for c, k, w in other.terms])
        if isinstance(other, (int, float)) and other == 0:
            return SourcedFloat.of(value, list(self.terms))
        return value

    def __add__(self, other):
        return self._plus(other, 1.0) if isinstance(other, (int, float)) else NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        return self._plus(other, -1.0) if isinstance(other, (int, float)) else NotImplemented

    def _scaled(self, factor: float):
        return SourcedFloat.of(float(self) * factor, [[c, k, w * factor] for c, k, w in self.terms])

    def __mul__(self, other):
        if isinstance(other, SourcedFloat) or not isinstance(other, (int, float)):
            return float(self) * other if isinstance(other, (int, float)) else NotImplemented
        return self._scaled(float(other))

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, SourcedFloat) or not isinstance(other, (int, float)) or other == 0:
            return float(self) / other if isinstance(other, (int, float)) else NotImplemented
        return self._scaled(1.0 / float(other))

    def __neg__(self):
        return self._scaled(-1.0)

    def __pos__(self):
        return self


def encode_index(index) -> tuple[list | None, list[np.ndarray]]:
    """An index as JSON (ints, slices, None, Ellipsis, integer arrays as positions into the returned list), or
    None when it holds anything else (a traced value, booleans, floats)."""
    items = index if isinstance(index, tuple) else (index,)
    spec: list = []
    arrays: list[np.ndarray] = []
    for item in items:
        if isinstance(item, (bool, np.bool_)):
            return None, []
        if isinstance(item, (int, np.integer)):
            spec.append({"int": int(item)})
        elif isinstance(item, slice):
            bounds = [item.start, item.stop, item.step]
            if not all(b is None or isinstance(b, (int, np.integer)) and not isinstance(b, bool) for b in bounds):
                return None, []
            spec.append({"slice": [None if b is None else int(b) for b in bounds]})
        elif item is None:
            spec.append({"newaxis": 0})
        elif item is Ellipsis:
            spec.append({"ellipsis": 0})
        elif hasattr(item, "dtype") and hasattr(item, "shape") and np.issubdtype(np.dtype(item.dtype), np.integer):
            spec.append({"array": len(arrays)})
            arrays.append(np.asarray(item))
        else:
            return None, []
    return spec, arrays


def decode_index(spec, arrays: list[np.ndarray]) -> tuple:
    """The index `spec` stands for (arrays: the integer index arrays it refers to)."""
    out: list[Any] = []
    for item in spec:
        if "int" in item:
            out.append(int(item["int"]))
        elif "slice" in item:
            out.append(slice(*[None if b is None else int(b) for b in item["slice"]]))
        elif "newaxis" in item:
            out.append(None)
        elif "ellipsis" in item:
            out.append(Ellipsis)
        elif "array" in item:
            array = np.asarray(arrays[int(item["array"])])
            if not np.issubdtype(array.dtype, np.integer):
                raise ValueError("an index array is not of integers")
            out.append(array)
        else:
            raise ValueError(f"unknown index item {item!r}")
    return tuple(out)


def check_expression(expr, calls_before: int, depth: int = 0) -> None:
    """Raise ValueError unless `expr` is a well-formed expression over data and outputs of the first
    `calls_before` calls (only earlier calls can feed a call)."""
    if depth > MAX_DEPTH or not isinstance(expr, list) or not expr:
        raise ValueError("malformed provenance expression")
    kind = expr[0]
    if kind == "data" and len(expr) == 2 and isinstance(expr[1], int):
        return
    if kind == "out" and len(expr) == 3 and all(isinstance(x, int) for x in expr[1:]):
        if not 0 <= expr[1] < calls_before:
            raise ValueError(f"an argument refers to call {expr[1]}, which is not an earlier call")
        return
    if kind == "arange" and len(expr) == 4 and all(isinstance(x, int) for x in expr[1:]):
        if expr[3] == 0 or abs(expr[2] - expr[1]) // abs(expr[3]) > 1 << 24:
            raise ValueError("an arange is empty-stepped or too long")
        return
    if kind == "index" and len(expr) == 4 and isinstance(expr[2], list) and isinstance(expr[3], str):
        check_expression(expr[1], calls_before, depth + 1)
        return
    if kind == "add" and len(expr) == 3:
        check_expression(expr[1], calls_before, depth + 1)
        check_expression(expr[2], calls_before, depth + 1)
        return
    raise ValueError(f"malformed provenance expression {str(expr)[:80]}")


def outputs_used(expr, into: set[tuple[int, int]]) -> None:
    """Collect the (call, leaf) outputs an expression reads."""
    if expr[0] == "out":
        into.add((int(expr[1]), int(expr[2])))
    elif expr[0] == "index":
        outputs_used(expr[1], into)
    elif expr[0] == "add":
        outputs_used(expr[1], into)
        outputs_used(expr[2], into)


def evaluate(expr, data: dict[int, Any], outputs: dict[tuple[int, int], Any], index_arrays) -> Any:
    """The value of `expr` from trusted values: data tensors, the runner's own outputs, the logged index
    arrays (`index_arrays(key)`: a name's integer arrays)."""
    import jax.numpy as jnp

    kind = expr[0]
    if kind == "data":
        return data[int(expr[1])]
    if kind == "out":
        return outputs[(int(expr[1]), int(expr[2]))]
    if kind == "arange":
        return jnp.arange(int(expr[1]), int(expr[2]), int(expr[3]))
    if kind == "index":
        base = evaluate(expr[1], data, outputs, index_arrays)
        return jnp.asarray(base)[decode_index(expr[2], index_arrays(expr[3]))]
    if kind == "add":
        return jnp.add(evaluate(expr[1], data, outputs, index_arrays), evaluate(expr[2], data, outputs, index_arrays))
    raise ValueError(f"malformed provenance expression {str(expr)[:80]}")
