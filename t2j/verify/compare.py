"""Compare two pytrees of arrays (outputs, gradients, statistics) with norm-wise tolerances.

Both sides are flattened with the same canonical paths: `[0]` for tuple/list items, `['key']` for dict entries,
`` (empty) for a lone tensor. The functions here take plain numpy arrays so that the parent process compares
results without importing torch or jax.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from t2j.verify.report import Check, TensorCheck, Tolerances


def flatten(tree: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Flatten nested tuples/lists/dicts (and namedtuples) into (path, leaf) pairs in a stable order."""
    if isinstance(tree, dict):
        out = []
        for key in sorted(tree, key=str):
            out.extend(flatten(tree[key], f"{prefix}[{key!r}]"))
        return out
    if isinstance(tree, (tuple, list)):
        out = []
        for index, item in enumerate(tree):
            out.extend(flatten(item, f"{prefix}[{index}]"))
        return out
    return [(prefix, tree)]


def is_float(array: np.ndarray) -> bool:
    return np.issubdtype(np.asarray(array).dtype, np.floating) or str(np.asarray(array).dtype) == "bfloat16"


def compare_arrays(name: str, expected: np.ndarray, actual: np.ndarray, tol: Tolerances) -> TensorCheck:
    """Compare `actual` (JAX) with `expected` (torch). Integers and booleans must match exactly."""
    expected = np.asarray(expected)
    actual = np.asarray(actual)
    check = TensorCheck(name=name, shape=list(expected.shape), dtype=str(expected.dtype))
    if expected.shape != actual.shape:
        return check.model_copy(
            update={
                "ok": False,
                "problem": f"shape mismatch: torch {tuple(expected.shape)} vs JAX {tuple(actual.shape)}",
                "max_abs_err": float("inf"),
            }
        )
    if is_float(expected) != is_float(actual) and expected.dtype != np.bool_:
        return check.model_copy(
            update={
                "ok": False,
                "problem": f"dtype kind mismatch: torch {expected.dtype} vs JAX {actual.dtype}",
                "max_abs_err": float("inf"),
            }
        )
    if expected.size == 0:
        return check
    if not is_float(expected):
        diff = expected.astype(np.int64) != actual.astype(np.int64)
        wrong = int(diff.sum())
        return check.model_copy(
            update={
                "ok": wrong == 0,
                "max_abs_err": float(np.abs(expected.astype(np.float64) - actual.astype(np.float64)).max()),
                "problem": None if wrong == 0 else f"{wrong} of {expected.size} integer elements differ",
            }
        )
    e = expected.astype(np.float64)
    a = actual.astype(np.float64)
    nan_e, nan_a = np.isnan(e), np.isnan(a)
    if (nan_e != nan_a).any():
        return check.model_copy(
            update={
                "ok": False,
                "max_abs_err": float("inf"),
                "problem": f"NaN pattern differs ({int(nan_e.sum())} NaN in torch, {int(nan_a.sum())} in JAX)",
            }
        )
    inf_mismatch = (np.isinf(e) | np.isinf(a)) & (e != a)
    if inf_mismatch.any():
        return check.model_copy(
            update={
                "ok": False,
                "max_abs_err": float("inf"),
                "problem": "infinities differ",
            }
        )
    finite = np.isfinite(e) & np.isfinite(a)
    if not finite.any():
        return check
    abs_err = np.abs(e - a)[finite]
    scale = float(np.abs(e[finite]).max())
    max_abs = float(abs_err.max())
    limit = tol.limit(scale)
    max_rel = float((abs_err / np.maximum(np.abs(e[finite]), tol.atol)).max())
    return check.model_copy(
        update={
            "max_abs_err": max_abs,
            "max_rel_err": max_rel,
            "limit": limit,
            "ok": max_abs <= limit,
        }
    )


def compare_trees(
    name: str, expected: dict[str, np.ndarray], actual: dict[str, np.ndarray], tol: Tolerances, label: str = ""
) -> Check:
    """Compare two flattened trees ({path: array}); a path present on one side only fails the check."""
    tensors: list[TensorCheck] = []
    for path in expected:
        shown = f"{label}{path}" if label else (path or "output")
        if path not in actual:
            tensors.append(
                TensorCheck(
                    name=shown, ok=False, problem="missing on the JAX side", shape=list(np.shape(expected[path]))
                )
            )
            continue
        tensors.append(compare_arrays(shown, expected[path], actual[path], tol))
    for path in actual:
        if path not in expected:
            shown = f"{label}{path}" if label else (path or "output")
            tensors.append(
                TensorCheck(
                    name=shown, ok=False, problem="extra output on the JAX side", shape=list(np.shape(actual[path]))
                )
            )
    return Check(name=name, ok=all(t.ok for t in tensors), tensors=tensors)


def merge_checks(name: str, checks: Iterable[Check]) -> Check:
    tensors = [t for c in checks for t in c.tensors]
    return Check(name=name, ok=all(t.ok for t in tensors), tensors=tensors)


GRADIENT_FLOOR_FACTOR = 4.0  # a gradient passes within this multiple of torch's own float32 rounding noise


def within_noise_floor(
    tensor: TensorCheck, float32: np.ndarray, float64: np.ndarray, widened: list[str]
) -> TensorCheck:
    """Judge a failing float tensor again against GRADIENT_FLOOR_FACTOR times how far torch's float32 result
    is from its float64 one (a translation cannot agree with torch more closely than torch agrees with exact
    arithmetic: a conv bias whose exact gradient is zero gets float32 rounding noise on both sides). Shape,
    NaN and structure problems stay failures; names passing only thanks to the floor go to `widened`."""
    if tensor.problem is not None or np.shape(float32) != np.shape(float64) or not np.size(float32):
        return tensor
    diff = np.abs(np.asarray(float32, np.float64) - np.asarray(float64, np.float64))
    floor = float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0
    tensor.noise_floor = floor
    if not tensor.ok and tensor.max_abs_err <= GRADIENT_FLOOR_FACTOR * floor:
        tensor.limit = GRADIENT_FLOOR_FACTOR * floor
        tensor.ok = True
        widened.append(tensor.name)
    return tensor
