"""Weight-initialisation code around the init calls: loops over `self.modules()` and `self.apply(init_fn)`.

The init statements themselves are InitCalls (t2j/rules/library/init_calls.py) and the isinstance dispatch is
LayerTypeTest (type_tests.py). Here:
- `for m in self.modules():` whose body re-initialises parameters -> `for _, m in
  reversed(list(nnx.iter_modules(self))):` (nnx visits children before their parent; torch's modules() the
  parent first, which matters when a parent re-initialises a child's parameter that the child's own branch set);
- `self.apply(self._init_weights)` -> `for _, m in nnx.iter_modules(self): self._init_weights(m, rngs=rngs)`
  (torch's apply also visits children first);
- a loop that is nothing but untranslated init calls -> one marked `pass` (the loop itself calls
  `self.modules()`, which nnx modules do not have)."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import BlockRule, Example, StatementRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import code, expr

ITERATORS = ("modules", "named_modules", "parameters", "named_parameters", "children", "named_children")
NOTE = "weight initialisation (a model trained from scratch keeps the layers' default init instead of this code's)"
REINIT = "torch_reinit("


def _is_noop(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(s, cst.Pass) for s in statement.body)


def _init_only(statements, ctx) -> bool:
    """Only marked no-ops (untranslated `nn.init.*`) and ifs / loops made of them, and at least one."""
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


def _names_used(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class Visitor(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

    node.visit(Visitor())
    return found


def _module_loop(s: cst.For) -> cst.For | None:
    """`for m in X.modules()` / `for name, m in X.named_modules()` (name unused) re-initialising parameters ->
    over nnx's modules, each parent before its children."""
    it = s.iter
    if not (isinstance(it, cst.Call) and isinstance(it.func, cst.Attribute) and not it.args):
        return None
    method = it.func.attr.value
    if method == "modules" and isinstance(s.target, cst.Name):
        target: cst.BaseAssignTargetExpression = cst.Tuple(
            elements=[cst.Element(value=cst.Name("_")), cst.Element(value=s.target)], lpar=[], rpar=[]
        )
    elif method == "named_modules" and isinstance(s.target, cst.Tuple) and len(s.target.elements) == 2:
        name = s.target.elements[0].value
        if not isinstance(name, cst.Name) or name.value in _names_used(s.body):
            return None  # torch's dotted names are not nnx's paths
        target = s.target
    else:
        return None
    if REINIT not in code(s.body):
        return None
    receiver = code(it.func.value)
    return s.with_changes(target=target, iter=expr(f"reversed(list(nnx.iter_modules({receiver})))"))


@register
class ModuleInitLoops(BlockRule):
    """`for m in self.modules(): if isinstance(m, nn.Conv2d): nn.init.kaiming_normal_(m.weight)` -> the same
    re-initialisation over `reversed(list(nnx.iter_modules(self)))` (parents first, as torch's modules())."""

    examples = [
        Example(
            torch="self.conv = nn.Conv2d(3, 8, 3)\nself.bn = nn.BatchNorm2d(8)\nself.fc = nn.Linear(8, 4)\n"
            "for m in self.modules():\n    if isinstance(m, nn.Conv2d):\n"
            "        nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')\n"
            "    elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):\n        nn.init.constant_(m.weight, 1)\n"
            "        nn.init.constant_(m.bias, 0)\n    elif isinstance(m, nn.Linear):\n"
            "        nn.init.normal_(m.weight, 0, 0.01)\n        nn.init.constant_(m.bias, 0)\n"
            "y = self.fc(self.bn(self.conv(x)).mean((2, 3)))",
            jax="self.conv = TorchConv(3, 8, 3, ndim=2, rngs=rngs)\nself.bn = TorchBatchNorm(8, rngs=rngs)\n"
            "self.fc = nnx.Linear(8, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(8), rngs=rngs)\n"
            "for _, m in reversed(list(nnx.iter_modules(self))):\n    if isinstance(m, TorchConv):\n"
            '        torch_reinit(m, "weight", jax.nn.initializers.variance_scaling(2.0, "fan_out", "normal", '
            "in_axis=1, out_axis=0), rngs.params())\n    elif isinstance(m, (TorchBatchNorm, TorchGroupNorm)):\n"
            '        torch_reinit(m, "weight", jax.nn.initializers.constant(1))\n'
            '        torch_reinit(m, "bias", jax.nn.initializers.constant(0))\n    elif isinstance(m, nnx.Linear):\n'
            '        torch_reinit(m, "weight", jax.nn.initializers.normal(0.01), rngs.params())\n'
            '        torch_reinit(m, "bias", jax.nn.initializers.constant(0))\n'
            "y = self.fc(self.bn(self.conv(x)).mean((2, 3)))",
            inputs={"x": [2, 3, 8, 8]},
        ),
        Example(  # a loop over modules that does not re-initialise anything: left alone
            torch="for m in layers.modules():\n    print(m)",
            jax="for m in layers.modules():\n    print(m)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements, ctx):
        out, changed = [], False
        for s in statements:
            new = _module_loop(s) if isinstance(s, cst.For) else None
            out.append(new if new is not None else s)
            changed = changed or new is not None
        return out if changed else None


@register
class ModuleApplyInit(StatementRule):
    """`self.apply(self._init_weights)` in a module -> `for _, m in nnx.iter_modules(self):
    self._init_weights(m, rngs=rngs)` (children before their parent, as torch's apply); any other function
    value stays marked."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(16, 4)\n        self.apply(self._init)\n\n    def _init(self, m):\n"
            "        if isinstance(m, nn.Linear):\n            nn.init.trunc_normal_(m.weight, std=.02)\n"
            "            m.bias.data.zero_()",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n"
            "        self.fc = nnx.Linear(16, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(16), rngs=rngs)\n"
            "        for _, m in nnx.iter_modules(self):\n            self._init(m, rngs=rngs)\n"
            "    def _init(self, m, *, rngs: nnx.Rngs):\n        if isinstance(m, nnx.Linear):\n"
            '            torch_reinit(m, "weight", torch_trunc_normal_init(std=.02), rngs.params())\n'
            '            torch_reinit(m, "bias", jax.nn.initializers.zeros)',
            verify=False,
        ),
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.apply(make_init(0.1))",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n"
            "        pass  # t2j: not translated: self.apply (weight initialisation by a function value)",
            verify=False,
        ),
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        if not ctx.in_module_class or len(node.body) != 1 or not isinstance(node.body[0], cst.Expr):
            return None
        c = node.body[0].value
        if not (isinstance(c, cst.Call) and dotted(c.func) == "self.apply"):
            return None
        fn = dotted(c.args[0].value) if len(c.args) == 1 and c.args[0].keyword is None else None
        cls = ctx.classes[-1].name
        key = None if fn is None else (f"{cls}.{fn[5:]}" if fn.startswith("self.") else fn)
        if fn is None or fn.count(".") > (1 if fn.startswith("self.") else 0):
            key = None
        if key is None:
            ctx.untranslated(c, "self.apply (weight initialisation by a function value)")
            return [cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=node.leading_lines)]
        rngs = f", rngs={cst.Module(body=[]).code_for_node(ctx.rngs())}" if key in ctx.info.builders else ""
        loop = cst.parse_statement(f"for _, m in nnx.iter_modules(self):\n    {fn}(m{rngs})\n")
        return [loop.with_changes(leading_lines=node.leading_lines)]


@register
class InitBlocks(BlockRule):
    """A loop over `self.modules()` (or an isinstance dispatch in `_init_weights(m)`) made only of init calls
    no rule translates (`nn.init.orthogonal_`) -> one marked `pass`: the loop itself calls `self.modules()`."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(4, 4)\n        for m in self.modules():\n"
            "            if isinstance(m, nn.Linear):\n                nn.init.orthogonal_(m.weight)",
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
