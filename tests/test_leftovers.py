"""Never silently incomplete: leftovers are restored, marked and listed; a rule crash is a diagnostic; the
status line and exit code of `t2j translate` say what a person can trust."""

from __future__ import annotations

import ast
from pathlib import Path

import subprocess
import sys

from pyflakes import checker

from t2j.rules import translate_rules
from t2j.rules.leftovers import check_leftovers
from t2j.status import translation_status
from t2j.backends import translate

ROOT = Path(__file__).resolve().parent.parent

LEFTOVERS = """import torch
import torch.nn as nn
from torchvision.ops import StochasticDepth
from einops import rearrange


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.drop = StochasticDepth(0.1, "row")

    def forward(self, x):
        x = torch.sparse.mm(self.fc(x), torch.eye(4))
        return rearrange(self.drop(x), "b c -> b c")
"""


def _undefined(code: str) -> list[str]:
    return [m.message_args[0] for m in checker.Checker(ast.parse(code)).messages if type(m).__name__ == "UndefinedName"]


def test_leftover_torch_names_keep_their_import_and_are_marked_with_lines():
    result = translate_rules(LEFTOVERS)
    code = result.code
    assert _undefined(code) == []  # `torch` is still used: its import is kept, not dropped
    assert "import torch  # t2j: import kept" in code
    lines = code.splitlines()
    for used in ("StochasticDepth(", "torch.sparse.mm("):
        at = next(i for i, line in enumerate(lines) if used in line and not line.lstrip().startswith("from"))
        assert "# t2j: not translated" in lines[at] + lines[at - 1], used
    messages = " | ".join(d.message for d in result.diagnostics)
    assert "StochasticDepth" in messages and "torch.sparse.mm" in messages
    assert all(d.line > 0 for d in result.diagnostics)


def test_undefined_name_the_source_never_imported_is_marked():
    source = (
        "import torch\nimport torch.nn as nn\n\n\nclass Model(nn.Module):\n    def forward(self, x):\n"
        "        return helper(x)\n"
    )
    result = translate_rules(source)
    code, found = result.code, result.diagnostics
    assert check_leftovers(source, code) == (code, [])  # marked once: a second pass adds nothing
    assert len(found) == 1 and "undefined name `helper`" in found[0].message
    line = found[0].line
    assert code.splitlines()[line - 1].strip().startswith("# t2j: not translated: undefined name `helper`")
    assert "return helper(x)" in code.splitlines()[line]


def test_a_clean_translation_gets_no_marks():
    source = (
        "import torch\nimport torch.nn as nn\n\n\nclass Model(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.fc = nn.Linear(4, 3)\n\n    def forward(self, x):\n"
        "        return torch.relu(self.fc(x))\n"
    )
    result = translate_rules(source)
    assert "# t2j:" not in result.code and result.diagnostics == []


def test_a_rule_that_crashes_is_a_diagnostic_and_a_mark(monkeypatch):
    from t2j.rules.library import structure

    def boom(self, node, ctx, qualname):
        raise ValueError("not enough values to unpack")

    monkeypatch.setattr(structure.SelfForward, "rewrite", boom)
    source = (
        "import torch.nn as nn\n\n\nclass Model(nn.Module):\n    def go(self, x):\n        return self.forward(x)\n"
    )
    result = translate_rules(source)
    crash = [d for d in result.diagnostics if "SelfForward failed" in d.message]
    assert crash and crash[0].line == 6 and "ValueError: not enough values to unpack" in crash[0].message
    assert "# t2j: not translated: SelfForward failed here" in result.code


def test_a_translator_crash_returns_the_marked_source(monkeypatch):
    from t2j.rules import engine

    def boom(module):
        raise RuntimeError("internal")

    monkeypatch.setattr(engine, "analyze", boom)
    result = translate(LEFTOVERS, verify=False)
    assert result.code.startswith("# t2j: not translated: the rules backend failed on this file (RuntimeError")
    assert LEFTOVERS in result.code and result.diagnostics
    assert translation_status(result, verify_asked=False).kind == "INCOMPLETE"


def test_status_lines():
    incomplete = translate(LEFTOVERS, verify=False)
    status = translation_status(incomplete, verify_asked=False)
    assert (
        status.kind == "INCOMPLETE" and status.exit_code == 1 and status.line.startswith("INCOMPLETE: 2 untranslated")
    )
    clean = translate(
        "import torch\nimport torch.nn as nn\n\n\nclass Model(nn.Module):\n    def forward(self, x):\n"
        "        return x * 2\n",
        verify=False,
    )
    assert translation_status(clean, verify_asked=False).exit_code == 0
    no_inputs = translation_status(clean, verify_asked=True)
    assert no_inputs.exit_code == 1 and no_inputs.line.startswith("NOT VERIFIED: the source defines no inputs — define")


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "t2j.cli", "translate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=600,
    )


def test_cli_status_line_and_exit_codes(tmp_path):
    """Each status and its exit code: VERIFIED 0, NOT VERIFIED 1 (0 with --no-verify), INCOMPLETE 1, bad input 2."""
    good = tmp_path / "good.py"
    good.write_text(
        "import torch\nimport torch.nn as nn\n\n\nclass Model(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.fc = nn.Linear(4, 3)\n\n    def forward(self, x):\n"
        "        return torch.tanh(self.fc(x))\n\n\ndef get_inputs():\n    return [torch.randn(2, 4)]\n"
    )
    verified = _cli(str(good), "-o", str(tmp_path / "a.py"), cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.strip().splitlines()[-1].startswith("VERIFIED (forward_eval")
    not_asked = _cli(str(good), "-o", str(tmp_path / "b.py"), "--no-verify", cwd=tmp_path)
    assert not_asked.returncode == 0 and not_asked.stdout.strip().splitlines()[-1].startswith(
        "NOT VERIFIED: --no-verify given"
    )
    bad = tmp_path / "bad.py"
    bad.write_text(LEFTOVERS + "\n\ndef get_inputs():\n    return [torch.randn(2, 4)]\n")
    incomplete = _cli(str(bad), "-o", str(tmp_path / "c.py"), cwd=tmp_path)
    assert incomplete.returncode == 1 and incomplete.stdout.strip().splitlines()[-1].startswith("INCOMPLETE: ")
    unverified = _cli(str(good), "-o", str(tmp_path / "e.py"), "--entry", "Missing", cwd=tmp_path)
    assert unverified.returncode == 1 and unverified.stdout.strip().splitlines()[-1].startswith("NOT VERIFIED: ")
    usage = _cli(str(tmp_path / "missing.py"), "-o", str(tmp_path / "f.py"), cwd=tmp_path)
    assert usage.returncode == 2


def test_one_line_bodies_get_their_statements_and_diagnostics_keep_the_users_lines():
    # a rule puts a key split before a draw and a key chain at the top of a function: a body on the header's
    # line has no block for them (the split used to land at module level, before `key` existed)
    source = (
        "import torch\n"
        "def get_inputs(): return [torch.randn(2, 3)]\n"
        "for i in range(2): z = torch.rand(4)\n"
        "if True: y = 1  # kept\n"
        "w = torch.sparse.mm(torch.ones(3, 3), torch.ones(3, 3))\n"
    )
    result = translate_rules(source)
    namespace: dict = {}
    exec(result.code.split("w = ")[0], namespace)  # everything up to the marked line runs
    assert namespace["get_inputs"]()[0].shape == (2, 3) and namespace["z"].shape == (4,)
    assert "y = 1  # kept" in result.code
    marked = [d for d in result.diagnostics if "torch.sparse.mm" in d.message]
    assert [d.line for d in marked] == [5]


def test_string_annotations_are_translated_or_marked():
    # forward references: pyflakes reads the names inside, so a torch name there kept `import torch` unmarked
    # (the JAX side then refused the import while the status said nothing was left)
    source = (
        "import torch\nimport torch.nn as nn\nfrom collections import OrderedDict\n\n\n"
        'def f(s: "OrderedDict[str, torch.Tensor]") -> "torch.Tensor":\n    return s\n\n\n'
        'def g(m: "nn.Module"):\n    return m\n'
    )
    result = translate_rules(source)
    assert 'def f(s: "OrderedDict[str, jax.Array]") -> "jax.Array":' in result.code
    assert _undefined(result.code) == []
    marked = [d for d in result.diagnostics if "annotation" in d.message]
    assert len(marked) == 1 and "`nn`" in marked[0].message and marked[0].snippet.startswith("def g(")
    assert translation_status(translate(source, verify=False), verify_asked=False).kind == "INCOMPLETE"
