"""Weight-initialisation code: loops over `self.modules()` / `named_parameters()` and isinstance dispatch
that only call `nn.init.*` (the statements `WeightInit` already turned into marked no-ops).

Verification ports the torch weights, so such code changes nothing the check sees; translating it would
mean re-initialising nnx parameters in place. It is replaced by one marked `pass` so that the output runs
(the loop itself calls `self.modules()` and tests `isinstance(m, nn.Conv2d)`, which have no meaning on
nnx modules) and the status line still says the spot is untranslated."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import BlockRule, Example, register

ITERATORS = ("modules", "named_modules", "parameters", "named_parameters", "children", "named_children")
NOTE = "weight initialisation (weights are ported from torch; a model trained from scratch keeps Flax's init)"


def _is_noop(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(s, cst.Pass) for s in statement.body)


def _init_only(statements, ctx) -> bool:
    """Only marked no-ops (`nn.init.*` after WeightInit) and ifs / loops made of them, and at least one."""
    found = False
    for s in statements:
        if _is_noop(s):
            found = found or _marked(s)
        elif isinstance(s, cst.If):
            if not _if_init_only(s, ctx):
                return False
            found = True
        elif isinstance(s, cst.For) and _init_only(s.body.body, ctx):
            found = True
        elif _local_assignment(s):
            continue  # `init_range = 1.0 / math.sqrt(m.out_features)`: a value the init calls use
        else:
            return False
    return found


def _local_assignment(s: cst.BaseStatement) -> bool:
    return isinstance(s, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets) for small in s.body
    )


def _marked(s: cst.SimpleStatementLine) -> bool:
    comment = s.trailing_whitespace.comment
    return comment is not None and ("t2j: not translated: torch.nn.init." in comment.value or NOTE in comment.value)


def _if_init_only(node: cst.If, ctx) -> bool:
    branch: cst.If | cst.Else | None = node
    while branch is not None:
        if not _init_only(branch.body.body, ctx):
            return False
        branch = branch.orelse if isinstance(branch, cst.If) else None
        if isinstance(branch, cst.Else):
            return _init_only(branch.body.body, ctx)
    return True


def _iterates_modules(node: cst.For) -> bool:
    it = node.iter
    return isinstance(it, cst.Call) and isinstance(it.func, cst.Attribute) and it.func.attr.value in ITERATORS


def _mentions_isinstance(node: cst.If) -> bool:
    found = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, n: cst.Call) -> None:
            if isinstance(n.func, cst.Name) and n.func.value == "isinstance":
                found.append(n)

    node.test.visit(Visitor())
    return bool(found)


@register
class InitBlocks(BlockRule):
    """`for m in self.modules(): if isinstance(m, nn.Conv2d): nn.init.kaiming_normal_(m.weight)` (and the
    same dispatch inside an `_init_weights(m)` method) -> one marked `pass`: weights are ported."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(4, 4)\n        for m in self.modules():\n"
            "            if isinstance(m, nn.Linear):\n                nn.init.zeros_(m.bias)",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n"
            "        self.fc = nnx.Linear(4, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\n"
            f"        pass  # t2j: not translated: {NOTE}",
            verify=False,
        ),
        Example(
            torch="for m in layers.modules():\n    print(m)",
            jax="for m in layers.modules():\n    print(m)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements, ctx):
        out, changed = [], False
        for s in statements:
            if (isinstance(s, cst.For) and _iterates_modules(s) and _init_only(s.body.body, ctx)) or (
                isinstance(s, cst.If) and _mentions_isinstance(s) and _if_init_only(s, ctx)
            ):
                lead = [line for line in s.leading_lines if line.comment is None or "t2j:" not in line.comment.value]
                out.append(
                    cst.SimpleStatementLine(
                        body=[cst.Pass()],
                        leading_lines=lead,
                        trailing_whitespace=cst.TrailingWhitespace(
                            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(f"# t2j: not translated: {NOTE}")
                        ),
                    )
                )
                changed = True
            else:
                out.append(s)
        return out if changed else None
