"""Every corpus problem file builds, runs forward in eval mode deterministically, and backpropagates;
every training script runs to completion."""

from __future__ import annotations

import importlib.util
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

CORPUS = Path(__file__).resolve().parent.parent / "benchmarks" / "corpus"
PROBLEMS = sorted(CORPUS.glob("[0-9][0-9][0-9]_*.py"))
TRAIN_SCRIPTS = sorted((CORPUS / "train").glob("t[0-9][0-9]_*.py"))
FAST_TRAIN = TRAIN_SCRIPTS[:2]


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"corpus_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _float_leaves(value):
    if isinstance(value, torch.Tensor):
        return [value] if value.is_floating_point() else []
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _float_leaves(item)]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _float_leaves(item)]
    return []


def _all_leaves(value):
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _all_leaves(item)]
    return []


def test_corpus_size():
    assert len(PROBLEMS) >= 150
    assert len(TRAIN_SCRIPTS) >= 20
    numbers = [p.name[:3] for p in PROBLEMS]
    assert len(numbers) == len(set(numbers)), "duplicate problem numbers"


@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: p.stem)
def test_problem_runs_forward_and_backward(path):
    module = _load(path)
    assert isinstance(module.Model, type) and issubclass(module.Model, torch.nn.Module)
    torch.manual_seed(0)
    model = module.Model(*module.get_init_inputs()).eval()
    inputs = module.get_inputs()
    leaves = [
        x.detach().clone().requires_grad_(True) if isinstance(x, torch.Tensor) and x.is_floating_point() else x
        for x in inputs
    ]
    out = model(*leaves)
    again = model(*inputs)
    for a, b in zip(_all_leaves(out), _all_leaves(again), strict=True):
        assert torch.equal(a.detach(), b.detach()), f"{path.name}: eval-mode forward is not deterministic"
    floats = _float_leaves(out)
    assert floats, f"{path.name}: no floating-point output"
    for leaf in floats:
        assert torch.isfinite(leaf).all(), f"{path.name}: non-finite output"
    loss = sum((leaf * torch.linspace(-1, 1, leaf.numel()).view_as(leaf)).sum() for leaf in floats)
    assert loss.requires_grad, f"{path.name}: output is not differentiable"
    loss.backward()
    grads = [p.grad for p in model.parameters()] + [x.grad for x in leaves if isinstance(x, torch.Tensor)]
    assert any(g is not None and bool(torch.isfinite(g).all()) and g.abs().sum() > 0 for g in grads)


def _run_script(path: Path):
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60, cwd=str(path.parent))
    assert proc.returncode == 0, f"{path.name} failed:\n{proc.stderr[-2000:]}"
    assert "loss" in proc.stdout.lower(), f"{path.name} printed no loss"


@pytest.mark.parametrize("path", FAST_TRAIN, ids=lambda p: p.stem)
def test_training_script_runs_in_process(path, capsys):
    # in-process (torch is already imported) to keep the default run fast; the slow test uses subprocesses
    runpy.run_path(str(path), run_name="__main__")
    assert "loss" in capsys.readouterr().out.lower(), f"{path.name} printed no loss"


@pytest.mark.slow
@pytest.mark.parametrize("path", TRAIN_SCRIPTS, ids=lambda p: p.stem)
def test_training_script_runs_in_subprocess(path):
    _run_script(path)
