"""The shipped evaluation benchmark: every problem has a PyTorch file and a reference JAX solution that
follows the translation convention and that the verifier proves equivalent (forward and backward)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "eval_bench"
PROBLEMS = sorted(p for p in BENCH.iterdir() if p.is_dir() and p.name[:2].isdigit())
FAST = [
    "01_gelu_variants",
    "03_reductions",
    "05_masked_fill_where",
    "11_batchnorm2d_momentum",
    "13_embedding_positions",
]
ALLOWED_IMPORTS = {"jax", "flax", "optax", "numpy", "math", "functools", "typing", "dataclasses", "itertools"}


def _entry(tree: ast.Module, name: str = "Model") -> ast.ClassDef:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise AssertionError(f"no class {name}")


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    return next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


def test_benchmark_size():
    assert len(PROBLEMS) >= 25
    for problem in PROBLEMS:
        assert (problem / "torch.py").is_file(), problem.name
        assert (problem / "jax_ref.py").is_file(), problem.name


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_reference_follows_the_convention(problem):
    torch_tree = ast.parse((problem / "torch.py").read_text())
    jax_tree = ast.parse((problem / "jax_ref.py").read_text())
    names = {n.name for n in torch_tree.body if isinstance(n, ast.FunctionDef)}
    assert {"get_init_inputs", "get_inputs"} <= names
    for node in ast.walk(jax_tree):
        if isinstance(node, ast.Import):
            roots = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots = {(node.module or "").split(".")[0]}
        else:
            continue
        assert roots <= ALLOWED_IMPORTS, f"{problem.name}: jax_ref imports {roots - ALLOWED_IMPORTS}"
    torch_init = _method(_entry(torch_tree), "__init__")
    torch_args = [a.arg for a in torch_init.args.args[1:]] if torch_init else []
    jax_init = _method(_entry(jax_tree), "__init__")
    assert jax_init is not None
    assert [a.arg for a in jax_init.args.args[1:]] == torch_args, f"{problem.name}: constructor args differ"
    assert [a.arg for a in jax_init.args.kwonlyargs] == ["rngs"], f"{problem.name}: rngs must be keyword-only"
    forward = _method(_entry(torch_tree), "forward")
    call = _method(_entry(jax_tree), "__call__")
    assert [a.arg for a in call.args.args] == [a.arg for a in forward.args.args]


def _verify(problem: Path):
    from t2j.verify.api import verify_files

    result = verify_files(problem / "torch.py", problem / "jax_ref.py")
    assert result.ok, result.summary()
    assert result.forward_ok and result.backward_ok
    return result


@pytest.mark.parametrize("name", FAST)
def test_reference_verifies(name):
    result = _verify(BENCH / name)
    if name.startswith("11_"):
        stats = next(c for c in result.checks if c.name == "running_stats")
        assert stats.ok and not stats.skipped and stats.tensors


@pytest.mark.slow
@pytest.mark.parametrize("problem", [p for p in PROBLEMS if p.name not in FAST], ids=lambda p: p.name)
def test_reference_verifies_slow(problem):
    _verify(problem)
