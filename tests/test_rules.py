"""The rules backend: every rule's examples (text and numerics), the engine's marks for what it cannot
translate, the API and the CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
import types
from pathlib import Path

import pytest

from t2j.rules.base import Rule, all_rules
from t2j.rules.examples import example_translation, torch_module

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [(cls.rule_name(), i, ex) for cls in all_rules() for i, ex in enumerate(cls.examples)]
NUMERIC = [e for e in EXAMPLES if e[2].verify]
# a quick subset for the default run: one numeric example of the rules that most models rely on
FAST = {
    "Conv",
    "BatchNorm",
    "Recurrent",
    "Attention",
    "ActivationFunctions",
    "LossFunctions",
    "PoolModules",
    "ItemAssignment",
}


def _id(e):
    return f"{e[0]}-{e[1]}"


def test_rules_are_discovered_and_documented():
    rules = all_rules()
    assert len(rules) >= 40
    for cls in rules:
        assert cls.__doc__ and cls.__doc__.strip(), f"{cls.__name__} has no docstring"
    assert len(EXAMPLES) >= 60


def test_every_rule_carries_examples_that_fire_and_overreach_prone_ones_a_must_not_fire_example():
    without = [cls.__name__ for cls in all_rules() if not any(e.fires for e in cls.examples)]
    assert not without, f"rules without an example that shows them firing: {without}"
    prone = [cls for cls in all_rules() if cls.overreach_prone()]
    assert len(prone) >= 20
    unguarded = [cls.__name__ for cls in prone if not any(not e.fires for e in cls.examples)]
    assert not unguarded, f"rules easy to overreach without a 'must not fire' example (fires=False): {unguarded}"
    assert sum(not e[2].fires for e in EXAMPLES) >= 25


def test_registry_is_explicit():
    """Every concrete rule class of the library is registered (@register), and only those run: a Rule
    subclass defined elsewhere does not become live by being imported."""
    import importlib
    import inspect
    import pkgutil

    import t2j.rules.library as library

    registered = set(all_rules())
    for info in pkgutil.iter_modules(library.__path__):
        module = importlib.import_module(f"{library.__name__}.{info.name}")
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Rule)
                and obj.__module__ == module.__name__
                and not obj.abstract
            ):
                assert obj in registered, f"{obj.__name__} in {info.name}.py is not @register-ed"

    from t2j.rules import translate_rules
    from t2j.rules.base import CallRule

    class Stray(CallRule):  # defined, never registered
        """Would turn every torch.relu into 0."""

        targets = ("torch.relu",)

        def rewrite(self, node, ctx, qualname):
            return node.with_changes(args=[])

    assert Stray not in all_rules()
    assert "Stray" not in translate_rules("import torch\ny = torch.relu(x)\n").rules_fired


@pytest.mark.parametrize("entry", EXAMPLES, ids=[_id(e) for e in EXAMPLES])
def test_example_text(entry):
    name, _, example = entry
    text, fired = example_translation(example)
    assert text == example.jax.strip(), f"rule {name}: the translation drifted from its example"
    cls = next(c for c in all_rules() if c.rule_name() == name)
    if cls.observes_only:
        assert name not in fired, f"{name} observes only, yet it rewrote something"
    elif example.fires:
        assert name in fired, f"rule {name} did not fire on its own example (fired: {fired})"
    else:
        assert name not in fired, f"rule {name} fired on its 'must not fire' example"


def _run_numeric(example):
    """Translate the example module and verify it against torch in-process (outputs and gradients, jit)."""
    import torch

    from t2j.rules import translate_rules
    from t2j.settings import Settings
    from t2j.verify.api import verify

    torch_code = torch_module(example)
    result = translate_rules(torch_code)
    assert not result.diagnostics, result.diagnostics
    tm = types.ModuleType("torch_side")
    exec(compile(torch_code, "<torch>", "exec"), tm.__dict__)
    jm = types.ModuleType("jax_side")
    exec(compile(result.code, "<jax>", "exec"), jm.__dict__)
    torch.manual_seed(0)
    inputs = tm.get_inputs()
    # the rules' layers start from torch's initialisers: a failed init check fails the example
    verification = verify(tm.Model, jm.Model, inputs=inputs, init_inputs=[], settings=Settings(init_check="fail"))
    assert verification.ok, verification.summary() + "\n" + (verification.error or "") + "\n" + result.code[-1500:]


FAST_NUMERIC = [e for e in NUMERIC if e[0] in FAST and e[1] == 0]


@pytest.mark.parametrize("entry", FAST_NUMERIC, ids=[_id(e) for e in FAST_NUMERIC])
def test_example_numeric_fast(entry):
    _run_numeric(entry[2])


@pytest.mark.slow
@pytest.mark.parametrize("entry", NUMERIC, ids=[_id(e) for e in NUMERIC])
def test_example_numeric_all(entry):
    _run_numeric(entry[2])


# ---------------------------------------------------------------------------------------------------------
# diagnostics, API, CLI

UNKNOWN = """import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, x):
        y = torch.special.zeta(x, 2.0)
        return y + 1
"""


def test_untranslated_is_marked_with_its_line():
    from t2j.rules import translate_rules

    result = translate_rules(UNKNOWN)
    assert [d.line for d in result.diagnostics] == [7]
    assert "torch.special.zeta" in result.diagnostics[0].message
    marked = [line for line in result.code.splitlines() if "# t2j: not translated: torch.special.zeta" in line]
    assert len(marked) == 1 and "zeta(x, 2.0)" in marked[0]
    assert "ForwardToCall" in result.rules_fired


def test_output_is_self_contained_and_compiles():
    from t2j.rules import translate_rules

    source = ROOT / "benchmarks/corpus/100_lstm_bidirectional_2layer.py"
    if not source.exists():
        pytest.skip("corpus not present")
    result = translate_rules(source.read_text())
    compile(result.code, "out.py", "exec")
    assert "t2j" not in "".join(line for line in result.code.splitlines() if line.startswith(("import", "from")))
    assert "class TorchLSTM" in result.code and "lax.scan" in result.code
    assert not result.diagnostics


def test_translate_api_accepts_text_path_and_live_class(tmp_path):
    import t2j

    text = "import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n        return torch.relu(x)\n"
    path = tmp_path / "net.py"
    path.write_text(text)
    by_text = t2j.translate(text, verify=False)
    by_path = t2j.translate(str(path), verify=False)
    assert by_text.code == by_path.code and "jax.nn.relu(x)" in by_text.code
    assert by_text.backend == "rules" and by_text.verification is None and by_text.rounds == []


def test_translate_api_live_class():
    from t2j.backends import translate
    from tests.rules_live_model import LiveNet

    result = translate(LiveNet, verify=False)
    assert (
        "class LiveNet(nnx.Module)" in result.code
        and "nnx.Linear(4, 2, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)" in result.code
    )


def test_bad_inputs_raise_bad_input(tmp_path):
    from t2j.errors import BadInput
    from t2j.backends import translate

    binary = tmp_path / "b.py"
    binary.write_bytes(b"\x00\x01\x02")
    for source in ["", "x = (", "import numpy as np\nx = 1\n", str(binary), str(tmp_path / "missing.py")]:
        with pytest.raises(BadInput):
            translate(source, verify=False)
    with pytest.raises(BadInput):
        translate("import torch\n", backend="nonsense")


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "t2j.cli", "translate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=600,
    )


def test_cli_translate_no_overwrite_and_bad_input(tmp_path):
    src = tmp_path / "m.py"
    src.write_text(
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\nclass Model(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.fc = nn.Linear(4, 3)\n\n    def forward(self, x):\n"
        "        return F.gelu(self.fc(x))\n"
    )
    original = src.read_text()
    out = tmp_path / "m_jax.py"
    first = _cli(str(src), "-o", str(out), "--no-verify", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "nnx.Linear(4, 3, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)" in out.read_text()
    out.write_text("keep me")
    second = _cli(str(src), "-o", str(out), "--no-verify", cwd=tmp_path)
    assert second.returncode == 2 and "--force" in second.stderr and out.read_text() == "keep me"
    third = _cli(str(src), "-o", str(out), "--no-verify", "--force", "--json", cwd=tmp_path)
    assert third.returncode == 0 and '"rules_fired"' in third.stdout
    assert src.read_text() == original
    unverifiable = _cli(str(src), "-o", str(tmp_path / "m2_jax.py"), cwd=tmp_path)  # no get_inputs(): says how
    assert unverifiable.returncode == 1  # verification asked for and impossible: not verified, and it says how
    assert (
        unverifiable.stdout.strip()
        .splitlines()[-1]
        .startswith("NOT VERIFIED: the source defines no inputs — define get_inputs()")
    )
    bad = tmp_path / "bad.py"
    bad.write_text("def f(:\n")
    fourth = _cli(str(bad), "-o", str(tmp_path / "bad_out.py"), cwd=tmp_path)
    assert fourth.returncode == 2 and fourth.stderr.startswith("t2j: error:")
    assert not (tmp_path / "bad_out.py").exists()


@pytest.mark.slow
def test_cli_translate_and_verify(tmp_path):
    src = ROOT / "benchmarks/corpus/157_resnet_basic_block.py"
    out = tmp_path / "out.py"
    result = _cli(str(src), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED" in result.stdout


@pytest.mark.slow
def test_every_corpus_file_translates_to_self_contained_python():
    """Every corpus file (modules and training scripts) translates to valid Python that imports no torch or t2j.
    (Translation time is measured by benchmarks/rules_bench.py, not asserted here.)"""
    from t2j.rules import translate_rules

    files = sorted((ROOT / "benchmarks/corpus").glob("*.py")) + sorted((ROOT / "benchmarks/corpus/train").glob("*.py"))
    if not files:
        pytest.skip("corpus not present")
    for f in files:
        code = translate_rules(f.read_text()).code
        tree = ast.parse(code)
        imported = {
            alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        }
        imported |= {
            node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not imported & {"torch", "t2j"}, (f.name, imported)
