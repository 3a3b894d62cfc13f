"""The emitted torch-semantics helpers (t2j/rules/runtime/): every helper a rule asks for exists, helpers are
named so that this can be checked, and the code emitted for any helper is self-contained Python."""

from __future__ import annotations

import ast
import builtins
import re
import symtable
from pathlib import Path

import pytest

from t2j.rules.emit import IMPORT_LINES, load_helpers, resolve

LIBRARY = Path(__file__).resolve().parent.parent / "t2j" / "rules" / "library"
HELPER_NAME = re.compile(r"^(torch_[a-z0-9_]*[a-z0-9]|Torch[A-Z][A-Za-z0-9]*)$")
HELPER_PREFIX = re.compile(r"^(torch_|Torch)")


def _library_trees():
    return [(path.name, ast.parse(path.read_text())) for path in sorted(LIBRARY.glob("*.py"))]


def _helper_requests():
    """(file, line, argument) of every `<ctx>.helper(argument)` call in the rules library."""
    for name, tree in _library_trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "helper"
                and node.args
            ):
                yield name, node.lineno, node.args[0]


def test_every_helper_name_in_the_rules_resolves():
    """A rule asks for helpers by literal names (in the call or in a table of the rule's module): each one,
    and each helper-like string of the library, is defined in t2j/rules/runtime/."""
    helpers = load_helpers()
    named = [
        (f, n.lineno, n.value)
        for f, tree in _library_trees()
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and HELPER_NAME.match(n.value)
    ]
    assert len(named) >= 50
    missing = [f"{f}:{line} {value}" for f, line, value in named if value not in helpers]
    assert not missing, f"helpers named by rules but not defined in t2j/rules/runtime/: {missing}"
    requests = list(_helper_requests())
    assert len(requests) >= 30
    literal = [a.value for _, _, a in requests if isinstance(a, ast.Constant)]
    assert literal and all(v in helpers for v in literal)


def test_helper_names_are_not_built_from_pieces():
    """`"Torch" + name` or f"torch_{kind}" would hide a helper name from the check above: use a table."""
    built = []
    for f, tree in _library_trees():
        for node in ast.walk(tree):
            pieces = []
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                pieces = [node.left, node.right]
            elif isinstance(node, ast.JoinedStr):
                pieces = node.values[:1]
            if any(
                isinstance(p, ast.Constant) and isinstance(p.value, str) and HELPER_PREFIX.match(p.value)
                for p in pieces
            ):
                built.append(f"{f}:{node.lineno}")
    assert not built, f"helper names built from pieces (name them in a table instead): {built}"


def test_helper_names_are_unique_across_runtime_files():
    runtime = LIBRARY.parent / "runtime"
    seen: dict[str, str] = {}
    for path in sorted(runtime.glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            names = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else []
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                names = [node.targets[0].id]  # a constant helper (an initializer)
            for name in names:
                assert name not in seen, f"{name} in both {seen[name]} and {path.name}"
                seen[name] = path.name
    assert set(seen) == set(load_helpers())
    assert len(seen) >= 100


def _undefined_names(text: str) -> set[str]:
    """Names read somewhere in `text` that nothing in it (nor Python's builtins) defines."""
    top = symtable.symtable(text, "<emitted>", "exec")
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    known = defined | set(dir(builtins))
    missing: set[str] = set()
    stack = [top]
    while stack:
        table = stack.pop()
        stack.extend(table.get_children())
        for symbol in table.get_symbols():
            if not symbol.is_referenced():
                continue
            is_top = table is top
            global_read = (
                symbol.is_global() and not symbol.is_assigned()
                if not is_top
                else not (symbol.is_assigned() or symbol.is_imported())
            )
            if global_read and symbol.get_name() not in known:
                missing.add(symbol.get_name())
    return missing


def _emitted(names) -> str:
    """What a translated file gets for these helpers: their imports, then the helpers, dependencies first."""
    helpers = resolve(names)
    imports = sorted({k for h in helpers for k in h.imports})
    return "\n".join(IMPORT_LINES[k] for k in imports) + "\n\n\n" + "\n\n\n".join(h.source for h in helpers) + "\n"


@pytest.mark.parametrize("name", sorted(load_helpers()))
def test_emitted_helper_is_self_contained(name):
    text = _emitted([name])
    assert "t2j" not in "\n".join(line for line in text.splitlines() if line.startswith(("import ", "from ")))
    assert not _undefined_names(text), f"{name}: emitted code reads undefined names {_undefined_names(text)}"
    compile(text, f"<{name}>", "exec")


def test_all_helpers_emitted_together_run():
    """Every helper at once, executed as a module (class bodies and decorators run; bases resolve)."""
    text = _emitted(load_helpers())
    assert not _undefined_names(text)
    namespace: dict = {}
    exec(compile(text, "<all helpers>", "exec"), namespace)
    assert set(load_helpers()) <= set(namespace)


def test_undefined_names_check_catches_a_missing_helper():
    assert _undefined_names("import jax\n\ndef f(x):\n    return g(jax.numpy.abs(x))\n") == {"g"}
    assert not _undefined_names("def g(x):\n    return x\n\n\ndef f(x):\n    return g(x)\n")


def test_stacked_rnn_dropout_is_active_in_train_mode_only():
    """nn.LSTM(num_layers=2, dropout=p) drops the first layer's outputs in train mode (torch's semantics), not never."""
    import jax.numpy as jnp
    from flax import nnx

    from t2j.rules.runtime.rnn import TorchLSTM

    lstm = TorchLSTM(4, 8, num_layers=2, dropout=0.5, rngs=nnx.Rngs(0))
    x = jnp.ones((5, 2, 4))
    lstm.eval()
    first, _ = lstm(x)
    again, _ = lstm(x)
    assert jnp.array_equal(first, again)
    lstm.train()
    dropped, _ = lstm(x)
    assert not jnp.allclose(dropped, first)
    single = TorchLSTM(4, 8, dropout=0.5, rngs=nnx.Rngs(0))  # one layer: torch applies no dropout at all
    assert single.inter_layer_dropout is None


_MAX_POOL_CASES = [  # (ndim, shape, kernel, stride, padding, dilation, ceil_mode): both gradient paths
    (1, (2, 3, 17), 3, 2, 1, 1, False),
    (2, (2, 3, 11, 13), 2, 2, 0, 1, True),
    (2, (2, 3, 11, 13), 3, 3, 1, 1, True),
    (2, (2, 3, 11, 13), 3, 1, 1, 2, False),
    (2, (2, 3, 11, 13), 3, 2, 1, 1, False),
    (3, (1, 2, 7, 8, 9), 2, 2, 1, 2, True),
    (3, (1, 2, 7, 8, 9), 2, 2, 0, 1, False),
]


@pytest.mark.parametrize("ndim, shape, kernel, stride, padding, dilation, ceil_mode", _MAX_POOL_CASES)
@pytest.mark.parametrize("values", ["normal", "ties", "nan"])
def test_max_pool_gradient_goes_where_torch_sends_it(ndim, shape, kernel, stride, padding, dilation, ceil_mode, values):
    """torch routes a window's gradient to its first maximum (a NaN wins), ties included; dilation differentiates."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    import torch

    from t2j.rules.runtime.pooling import torch_max_pool

    rng = np.random.RandomState(0)
    x = rng.randn(*shape).astype(np.float32) if values == "normal" else rng.randint(0, 3, shape).astype(np.float32)
    if values == "nan":
        x.flat[7] = np.nan
    pool = getattr(torch.nn.functional, f"max_pool{ndim}d")
    x_torch = torch.tensor(x, requires_grad=True)
    y_torch = pool(x_torch, kernel, stride, padding, dilation, ceil_mode)
    cotangent = rng.randn(*y_torch.shape).astype(np.float32)
    (grad_torch,) = torch.autograd.grad((y_torch * torch.tensor(cotangent)).nansum(), x_torch)

    def translated(x):
        return torch_max_pool(x, kernel, stride, padding, dilation, ceil_mode, ndim=ndim)

    y = jax.jit(translated)(jnp.asarray(x))
    grad = jax.jit(jax.grad(lambda x: jnp.nansum(translated(x) * cotangent)))(jnp.asarray(x))
    np.testing.assert_array_equal(np.asarray(y), y_torch.detach().numpy())
    np.testing.assert_allclose(np.asarray(grad), grad_torch.numpy(), rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    "dims, shape", [(None, (4, 6, 5, 5)), (2, (4, 6, 5, 5)), (2, (4, 6, 50)), (1, (4, 6, 50)), (1, (6, 50))]
)
def test_functional_dropout_drops_what_torch_drops(dims, shape):
    """F.dropout drops elements; F.dropout1d/2d drop whole channels of (N, C, ...), dropout1d also of unbatched (C, L)
    (torch's behaviour, checked on torch itself), with torch's 1/(1-p) scale."""
    import warnings

    import jax
    import jax.numpy as jnp
    import numpy as np
    import torch

    from t2j.rules.runtime.tensor_ops import torch_dropout

    functional = {None: torch.nn.functional.dropout, 1: torch.nn.functional.dropout1d, 2: torch.nn.functional.dropout2d}
    channel_axes = None if dims is None else (1 if dims == 1 and len(shape) == 2 else 2)

    def shares_one_mask_per_channel(y):
        if channel_axes is None:
            return True
        rows = np.asarray(y).reshape(int(np.prod(shape[:channel_axes])), -1)
        return bool(((rows == 0).all(1) | (rows != 0).all(1)).all())

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns that dropout2d reads 3D input as (N, C, L)
        reference = functional[dims](torch.ones(shape), 0.5, True).numpy()
    assert shares_one_mask_per_channel(reference)
    y = np.asarray(torch_dropout(jnp.ones(shape), 0.5, True, jax.random.key(0), channel_dropout=dims))
    assert shares_one_mask_per_channel(y)
    assert set(np.unique(y)) <= {0.0, 2.0} and set(np.unique(reference)) <= {0.0, 2.0}
    assert 0.2 < (y == 0).mean() < 0.8
    if channel_axes is None:  # element-wise: the elements of one channel get masks of their own
        rows = y.reshape(shape[0] * shape[1], -1)
        assert ((rows == 0).any(1) & (rows != 0).any(1)).any()
    assert np.array_equal(
        torch_dropout(jnp.ones(shape), 0.5, False, jax.random.key(0), channel_dropout=dims), jnp.ones(shape)
    )
