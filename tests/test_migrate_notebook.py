"""Notebooks (t2j translate x.ipynb) and the IPython extension (%load_ext t2j, %%t2j) with a real shell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from t2j.migrate.notebook import translate_notebook

ROOT = Path(__file__).resolve().parent.parent

NET = """class Net(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, 3)

    def forward(self, x):
        return torch.relu(self.fc(x))"""


def _notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A tiny PyTorch notebook"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport torch\nimport torch.nn as nn"),
        nbformat.v4.new_code_cell(NET),
        nbformat.v4.new_markdown_cell("Run it:"),
        nbformat.v4.new_code_cell("net = Net(8)\ny = net(torch.randn(4, 8))\nprint(y.shape)"),
    ]
    nb.cells[4].outputs = [nbformat.v4.new_output("stream", text="torch.Size([4, 3])\n")]
    nb.cells[4].execution_count = 3
    nbformat.write(nb, str(path))
    return path


def test_notebook_cells_translated_in_order(tmp_path):
    src = _notebook(tmp_path / "in.ipynb")
    before = src.read_bytes()
    result = translate_notebook(src, tmp_path / "out.ipynb", verify=False)
    out = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    nbformat.validate(out)
    kinds = [c.cell_type for c in out.cells]
    assert kinds == ["markdown", "markdown", "code", "code", "markdown", "code"]
    assert out.cells[0].source.startswith("## t2j translation summary")
    assert out.cells[1].source == "# A tiny PyTorch notebook" and out.cells[4].source == "Run it:"
    first, second, third = (c.source for c in out.cells if c.cell_type == "code")
    assert first.startswith("%matplotlib inline") and "from flax import nnx" in first and "torch" not in first
    assert "class Net(nnx.Module)" in second and "rngs=rngs" in second
    # shared context: Net, defined two cells earlier, is built with rngs in the third cell
    assert "net = Net(8, rngs=" in third and "torch" not in third
    assert all(c.outputs == [] and c.execution_count is None for c in out.cells if c.cell_type == "code")
    assert out.metadata["kernelspec"]["name"] == "python3"
    assert result.code_cells == 3 and result.markdown_cells == 2
    assert src.read_bytes() == before


def test_translate_cli_dispatches_notebooks(tmp_path):
    src = _notebook(tmp_path / "in.ipynb")
    proc = subprocess.run(
        [sys.executable, "-m", "t2j.cli", "translate", str(src), "-o", str(tmp_path / "o.ipynb"), "--no-verify"],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "3 code cells, 2 markdown cells kept" in proc.stdout
    assert any("nnx.Module" in c.source for c in nbformat.read(str(tmp_path / "o.ipynb"), as_version=4).cells)


@pytest.mark.slow
def test_notebook_verified_with_recorded_inputs(tmp_path):
    src = _notebook(tmp_path / "in.ipynb")
    result = translate_notebook(src, tmp_path / "out.ipynb")
    assert [(m.entry, m.inputs, m.ok) for m in result.modules] == [("Net", "recorded", True)]
    summary = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4).cells[0].source
    assert "| `Net` | recorded | verified |" in summary


def test_cell_magic_with_a_real_shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        assert shell.run_cell("%load_ext t2j").success
        assert shell.run_cell("import torch\nimport torch.nn as nn", store_history=True).success
        cell = NET.replace("torch.relu", "torch.tanh") + "\n\nnet = Net(5)\nout = net(torch.randn(2, 5))\n"
        outcome = shell.run_cell("%%t2j\n" + cell, store_history=True)
        assert outcome.success, outcome.error_in_exec
        result = shell.user_ns["_t2j"]
        assert "class Net(nnx.Module)" in result.code and "jnp.tanh" in result.code
        # the PyTorch cell ran in the session; the JAX definitions live in t2j_jax
        assert type(shell.user_ns["out"]).__module__.startswith("torch")
        assert "nnx" in repr(shell.user_ns["t2j_jax"].Net.__mro__)
        [verdict] = result.verdicts
        assert verdict.entry == "Net" and verdict.inputs == "captured" and verdict.ok, verdict.summary
        # --no-run: translated and defined in t2j_jax, but nothing ran, so no inputs and no verdict claimed
        bad = shell.run_cell(
            "%%t2j --no-run\nclass Neg(nn.Module):\n    def forward(self, x):\n"
            "        return torch.cumsum(x, dim=0)[::-1]\n"
        )
        assert bad.success
        assert shell.user_ns["_t2j"].verdicts == [] and "Neg" not in shell.user_ns
        assert hasattr(shell.user_ns["t2j_jax"], "Neg")
    finally:
        InteractiveShell.clear_instance()
