"""Generated files read like the user's: imports, the user's code in its order, then the emitted helpers in one
marked section, placed before the first top-level statement that runs code (so the file still runs)."""

from __future__ import annotations

import types

from t2j.rules import translate_rules
from t2j.rules.layout import BANNER

MODULE = '''"""A conv net."""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)  # the user's comment
        self.bn = nn.BatchNorm2d(4)

    def forward(self, x):
        return self.bn(self.conv(x))


def get_inputs():
    return [torch.randn(2, 3, 8, 8)]
'''

SCRIPT = (
    MODULE
    + """

model = Net()
out = model(torch.randn(2, 3, 8, 8))

if __name__ == "__main__":
    print(out.shape)
"""
)


def test_module_file_has_its_helpers_at_the_end():
    code = translate_rules(MODULE).code
    assert code.index("class Net(nnx.Module)") < code.index("def get_inputs") < code.index(BANNER)
    assert code.count(BANNER) == 1
    assert code.index(BANNER) < code.index("class TorchConv") and code.index(BANNER) < code.index(
        "class TorchBatchNorm"
    )
    assert "# the user's comment" in code
    namespace = types.ModuleType("translated")
    exec(compile(code, "<translated>", "exec"), namespace.__dict__)  # noqa: S102 - our own translation
    assert hasattr(namespace, "Net")


def test_helpers_come_before_the_first_statement_that_runs_them():
    code = translate_rules(SCRIPT).code
    assert code.index("def get_inputs") < code.index(BANNER) < code.index("model = Net(")
    namespace = types.ModuleType("translated")
    exec(compile(code, "<translated>", "exec"), namespace.__dict__)  # noqa: S102 - runs Net() at import
    assert namespace.out.shape == (2, 4, 6, 6)
