"""`self.proj = None`, then a layer for some configurations: an nnx attribute first bound to None is static, and
flax refuses a module assigned to it later, so the placeholder is declared data (`nnx.data(None)`)."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import Example, FunctionRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call


class _BuiltLater(cst.CSTVisitor):
    """`self.<name> = <call>` anywhere in a function body."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call):
            for target in node.targets:
                name = dotted(target.target)
                if name and name.startswith("self.") and name.count(".") == 1:
                    self.names.add(name[5:])


def _none_placeholder(line: cst.BaseStatement) -> str | None:
    """The attribute name of a top-level `self.<name> = None` line."""
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    small = line.body[0]
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
        return None
    if not (isinstance(small.value, cst.Name) and small.value.value == "None"):
        return None
    name = dotted(small.targets[0].target)
    return name[5:] if name and name.startswith("self.") and name.count(".") == 1 else None


@register
class OptionalChild(FunctionRule):
    """In a module's __init__, `self.x = None` that a later `self.x = <call>` may replace -> `nnx.data(None)`."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        self.proj = None\n        if n > 2:\n            self.proj = nn.Linear(4, 4)",
            jax="class M(nnx.Module):\n    def __init__(self, n, *, rngs: nnx.Rngs):\n"
            "        self.proj = nnx.data(None)\n        if n > 2:\n"
            "            self.proj = nnx.Linear(4, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)",
            verify=False,
        ),
        # a None that nothing replaces stays a plain (static) attribute
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.proj = None\n        self.scale = float(2)",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n"
            "        self.proj = None\n        self.scale = float(2)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.FunctionDef, ctx: Context) -> cst.FunctionDef | None:
        if node.name.value != "__init__" or not ctx.in_module_class or not isinstance(node.body, cst.IndentedBlock):
            return None
        later = _BuiltLater()
        node.body.visit(later)
        changed = False
        body = []
        for line in node.body.body:
            name = _none_placeholder(line)
            if name is not None and name in later.names:
                assert isinstance(line, cst.SimpleStatementLine)
                small = line.body[0]
                assert isinstance(small, cst.Assign)
                line = line.with_changes(body=[small.with_changes(value=call("nnx.data", [arg(cst.Name("None"))]))])
                changed = True
            body.append(line)
        return node.with_changes(body=node.body.with_changes(body=body)) if changed else None
