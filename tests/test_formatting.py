"""Generated code is formatted by ruff at the project's line length, keeps the user's comments, and a missing or
failing ruff leaves the translation as it was (formatting never fails a translation)."""

from __future__ import annotations

import subprocess

from t2j.rules import formatting, translate_rules

SOURCE = """import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        # the user's own comment, kept
        self.conv = nn.Conv2d(3, 8, kernel_size=3, stride=1, padding=1, dilation=1, groups=1, bias=True, padding_mode='zeros')
        self.fc = nn.Linear(8, 4)   # trailing comment, kept

    def forward(self, x):
        y = torch.special.zeta(x, 2.0)
        return self.fc(self.conv(x).mean(dim=(2, 3)))+y
"""


def test_output_is_ruff_formatted_at_120_and_keeps_comments():
    code = translate_rules(SOURCE).code
    assert max(len(line) for line in code.splitlines() if not line.lstrip().startswith("#")) <= 120
    assert "# the user's own comment, kept" in code and "# trailing comment, kept" in code
    assert "padding_mode='zeros'" not in code  # the formatter's quotes (or the rule dropped the default)
    assert ")) + y" in code  # the operator spacing the formatter gives
    check = subprocess.run(
        [formatting.ruff_binary(), "format", "--isolated", "--line-length=120", "--check", "-"],
        input=code,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_leftover_diagnostics_name_lines_of_the_formatted_text():
    result = translate_rules(SOURCE)
    rows = result.code.splitlines()
    zeta = [d for d in result.diagnostics if "zeta" in d.message]
    assert zeta, result.diagnostics
    marked = [i + 1 for i, row in enumerate(rows) if "torch.special.zeta" in row and "# t2j:" in row]
    assert marked, result.code
    # a rules diagnostic names the source line; the marker sits on the translated statement
    assert zeta[0].line == 13 and "zeta(x, 2.0)" in rows[marked[0] - 1]


def test_without_ruff_the_unformatted_text_is_returned(monkeypatch):
    monkeypatch.setattr(formatting, "ruff_binary", lambda: None)
    code = translate_rules(SOURCE).code
    assert "class Net(nnx.Module)" in code
    assert formatting.format_code("x=1\n") == "x=1\n"


def test_ruff_failing_on_the_text_returns_it_unchanged(monkeypatch, tmp_path):
    broken = "def f(:\n    return 1\n"  # ruff cannot parse it: exit 2
    assert formatting.format_code(broken) == broken
    missing = tmp_path / "no-ruff-here"
    monkeypatch.setattr(formatting, "ruff_binary", lambda: str(missing))
    assert formatting.format_code("x=1\n") == "x=1\n"  # OSError running it


def test_format_code_formats():
    assert formatting.format_code("x=[1,2]\ny = {'a':1}\n") == 'x = [1, 2]\ny = {"a": 1}\n'
