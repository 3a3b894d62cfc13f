"""Module structure: imports, nn.Module -> nnx.Module, rngs threading, forward -> __call__."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted, is_torch
from t2j.rules.base import AttributeRule, CallRule, ClassRule, Example, FunctionRule, StatementRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, code, expr, keyword, stmt


@register
class DropTorchImports(StatementRule):
    """`import torch`, `import torch.nn as nn`, `from torch import optim`... are removed (the header adds
    jax/jnp/nnx/optax imports as the rewritten code needs them)."""

    priority = 100
    examples = [Example(torch="import torch.nn as nn\nimport math\nx = 1", jax="import math\nx = 1", verify=False)]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        kept = []
        changed = False
        for small in node.body:
            if isinstance(small, cst.Import):
                names = [a for a in small.names if not is_torch(dotted(a.name))]
                if len(names) != len(small.names):
                    changed = True
                if names:
                    names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    kept.append(small.with_changes(names=names))
            elif isinstance(small, cst.ImportFrom) and small.module is not None and is_torch(dotted(small.module)):
                changed = True
            else:
                kept.append(small)
        if not changed:
            return None
        if not kept:
            return []
        return [node.with_changes(body=kept)]


@register
class ModuleBase(AttributeRule):
    """`nn.Module` (a base class) -> `nnx.Module`."""

    targets = ("torch.nn.Module",)
    examples = [
        Example(
            torch="class Block(nn.Module):\n    pass",
            jax="class Block(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        pass",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        return expr("nnx.Module")


def _is_super_init(small: cst.BaseSmallStatement) -> cst.Call | None:
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        func = small.value.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "__init__"
            and isinstance(func.value, cst.Call)
            and isinstance(func.value.func, cst.Name)
            and func.value.func.value == "super"
        ):
            return small.value
    return None


@register
class SuperInit(StatementRule):
    """`super().__init__()` of a direct nn.Module subclass is dropped (nnx.Module needs none); a call to a
    user module base class passes `rngs` on."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.n = 1",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        self.n = 1",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        if not ctx.in_module_class or len(node.body) != 1:
            return None
        call_node = _is_super_init(node.body[0])
        if call_node is None:
            return None
        cls = ctx.classes[-1].name
        if cls in ctx.info.direct_module_classes:
            return []
        if cls in ctx.info.container_classes:
            return None  # `super().__init__(*layers)` of an nn.Sequential subclass builds the nnx.Sequential
        extra = [arg(v, k) for k, v in ctx.classes[-1].base_arguments.items() if keyword(call_node, k) is None]
        if keyword(call_node, "rngs") is not None and not extra:
            return None
        if keyword(call_node, "rngs") is None:
            extra.append(arg("rngs", "rngs"))
        new = call_node.with_changes(args=list(call_node.args) + extra)
        return [node.with_changes(body=[node.body[0].with_changes(value=new)])]


def _add_kwonly(fn: cst.FunctionDef, name: str, annotation: str | None, default: str | None = None) -> cst.FunctionDef:
    params = fn.params
    if any(p.name.value == name for p in params.params + params.kwonly_params):
        return fn
    ann = cst.Annotation(expr(annotation)) if annotation else None
    new = cst.Param(name=cst.Name(name), annotation=ann, default=expr(default) if default else None)
    star = params.star_arg
    if star is cst.MaybeSentinel.DEFAULT:
        star = cst.ParamStar()
    return fn.with_changes(params=params.with_changes(star_arg=star, kwonly_params=list(params.kwonly_params) + [new]))


def _prepend(fn: cst.FunctionDef, statements: list[cst.BaseStatement]) -> cst.FunctionDef:
    body = list(fn.body.body)
    at = 0
    if (
        body
        and isinstance(body[0], cst.SimpleStatementLine)
        and isinstance(body[0].body[0], cst.Expr)
        and isinstance(body[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    ):
        at = 1
    return fn.with_changes(body=fn.body.with_changes(body=body[:at] + statements + body[at:]))


@register
class ModuleInit(ClassRule):
    """A module class's `__init__` takes keyword-only `rngs: nnx.Rngs` (one is added when the class has no
    __init__); a class that reads `self.training` gets `self.deterministic` (what nnx's train()/eval() set);
    a class that draws random numbers outside __init__ keeps `self.rngs`."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def forward(self, x):\n        return x",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        pass\n"
            "    def __call__(self, x):\n        return x",
            verify=False,
        ),
        # a layer subclass with no __init__ whose emitted base takes more than torch's arguments
        Example(
            torch="class Scaled(nn.Conv1d):\n    def forward(self, x):\n        return 2 * super().forward(x)",
            jax="class Scaled(TorchConv):\n    def __init__(self, *args, rngs: nnx.Rngs, **kwargs):\n"
            "        super().__init__(*args, ndim=1, rngs=rngs, **kwargs)\n"
            "    def __call__(self, x):\n        return 2 * super().__call__(x)",
            verify=False,
        ),
    ]

    def rewrite(self, node: cst.ClassDef, ctx: Context) -> cst.ClassDef | cst.FlattenSentinel | None:
        name = node.name.value
        info = ctx.info
        if name not in info.module_classes:
            return None
        body = list(node.body.body)
        extra = []
        if name in info.uses_training:
            extra.append(stmt("self.deterministic = False\n"))
        if name in info.random_outside_init:
            extra.append(stmt("self.rngs = rngs\n"))
        init_at = next(
            (i for i, s in enumerate(body) if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None
        )
        base_arguments = ctx.classes[-1].base_arguments if ctx.classes else {}
        if init_at is None:
            if name not in info.direct_module_classes and not base_arguments:
                return None  # inherits the base __init__ (which takes rngs)
            lines = extra or [stmt("pass\n")]
            signature = "self, *, rngs: nnx.Rngs"
            if base_arguments:  # `class Scaled(nn.Conv1d)` with no __init__: the emitted base needs `ndim=1`
                passed = "".join(f"{k}={v}, " for k, v in base_arguments.items())
                lines = [*extra, stmt(f"super().__init__(*args, {passed}rngs=rngs, **kwargs)\n")]
                signature = "self, *args, rngs: nnx.Rngs, **kwargs"
            init = cst.parse_statement(f"def __init__({signature}):\n    pass\n")
            init = init.with_changes(body=init.body.with_changes(body=lines))
            body = [
                s
                for s in body
                if not (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Pass))
            ]
            at = next((i for i, s in enumerate(body) if isinstance(s, cst.FunctionDef)), len(body))
            body.insert(at, init)
        else:
            init = _add_kwonly(body[init_at], "rngs", "nnx.Rngs")
            if extra:
                init = _prepend(init, extra)
            body[init_at] = init
        return node.with_changes(body=node.body.with_changes(body=body))


@register
class ForwardToCall(FunctionRule):
    """`def forward(self, ...)` of a module -> `def __call__(self, ...)`."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "    def forward(self, x):\n        return x",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        pass\n"
            "    def __call__(self, x):\n        return x",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.FunctionDef, ctx: Context) -> cst.FunctionDef | None:
        if node.name.value == "forward" and ctx.in_module_class and len(ctx.functions) == 1:
            return node.with_changes(name=cst.Name("__call__"))
        return None


@register
class BuilderRngs(FunctionRule):
    """A function or method that builds layers for a module's __init__ takes keyword-only `rngs`."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.body = self.make(4)\n    def make(self, n):\n        return nn.Linear(n, n)",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        self.body = self.make(4, rngs=rngs)\n"
            "    def make(self, n, *, rngs: nnx.Rngs):\n        return nnx.Linear(n, n, kernel_init=torch_kernel_init, bias_init=torch_bias_init(n), rngs=rngs)",
            verify=False,
        ),
        # an override is called where the builder is (the base's __init__): it takes `rngs` too
        Example(
            torch="class A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.make()\n"
            "    def make(self):\n        self.fc = nn.Linear(4, 4)\nclass B(A):\n    def make(self):\n"
            "        self.fc = nn.Identity()",
            jax="class A(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        self.make(rngs=rngs)\n"
            "    def make(self, *, rngs: nnx.Rngs):\n"
            "        self.fc = nnx.Linear(4, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\n"
            "class B(A):\n    def make(self, *, rngs: nnx.Rngs):\n        self.fc = lambda x, *args, **kwargs: x",
            verify=False,
        ),
    ]

    def rewrite(self, node: cst.FunctionDef, ctx: Context) -> cst.FunctionDef | None:
        fn = ctx.function
        if fn is None or fn.key not in ctx.info.builders or fn.name != node.name.value:
            return None
        return _add_kwonly(node, "rngs", "nnx.Rngs")


@register
class PassRngs(CallRule):
    """Instantiating a user module class (or calling a layer builder) passes `rngs`: the enclosing one, or a
    fresh `nnx.Rngs(0)` where none is in scope."""

    examples = [
        Example(
            torch="class B(nn.Module):\n    pass\nmodel = B()",
            jax="class B(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        pass\nmodel = B(rngs=rngs)",
            verify=False,
        ),
        Example(
            torch="class Config:\n    def __init__(self, n):\n        self.n = n\n\ncfg = Config(3)",
            jax="class Config:\n    def __init__(self, n):\n        self.n = n\ncfg = Config(3)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = dotted(node.func)
        if name is None or keyword(node, "rngs") is not None:
            return None
        info = ctx.info
        target = None
        if name in info.module_classes:
            target = name
        elif name in info.builders:
            target = name
        elif name.startswith("self.") and name.count(".") == 1 and ctx.classes:
            if f"{ctx.classes[-1].name}.{name[5:]}" in info.builders:
                target = name
        if target is None:
            return None
        return node.with_changes(args=list(node.args) + [arg(ctx.rngs(), "rngs")])


@register
class SelfForward(CallRule):
    """`self.forward(x)` -> `self(x)`; `super().forward(x)` -> `super().__call__(x)`."""

    examples = [
        Example(
            torch="class Twice(nn.LayerNorm):\n    def forward(self, x):\n        return super().forward(x) * 2",
            jax="class Twice(TorchLayerNorm):\n    def __call__(self, x):\n        return super().__call__(x) * 2",
            verify=False,
        ),
        Example(
            torch="class M(nn.Module):\n    def go(self, x):\n        return self.forward(x)",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        pass\n"
            "    def go(self, x):\n        return self(x)",
            verify=False,
        ),
        Example(torch="y = encoder.forward(x)", jax="y = encoder.forward(x)", verify=False, fires=False),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if not ctx.in_module_class:
            return None
        if dotted(node.func) == "self.forward":
            return node.with_changes(func=cst.Name("self"))
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "forward"
            and isinstance(func.value, cst.Call)
            and code(func.value) == "super()"
        ):  # the base's forward is its __call__ (a user module's, or an emitted layer's)
            return node.with_changes(func=func.with_changes(attr=cst.Name("__call__")))
        return None


@register
class SelfTraining(AttributeRule):
    """`self.training` -> `(not self.deterministic)`: nnx's train()/eval() set `deterministic`."""

    attributes = ("training",)
    examples = [
        Example(
            torch="class M(nn.Module):\n    def forward(self, x):\n        return x if self.training else -x",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n"
            "        self.deterministic = False\n"
            "    def __call__(self, x):\n        return x if (not self.deterministic) else -x",
            verify=False,
        ),
        Example(torch="mode = args.training", jax="mode = args.training", verify=False, fires=False),
    ]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        if dotted(node) == "self.training" and ctx.in_module_class:
            return expr("(not self.deterministic)")
        return None


def _has_call(node: cst.CSTNode) -> bool:
    found = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, n):
            found.append(n)
            return False

    node.visit(Visitor())
    return bool(found)


@register
class ModuleContainers(StatementRule):
    """`self.layers = []` / `{}` / a list or dict that may hold layers, in a module class -> nnx.List /
    nnx.Dict (Flax 0.12 rejects submodules in plain lists and dicts)."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.layers = []\n"
            "        for i in range(2):\n            self.layers.append(nn.Linear(4, 4))",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        self.layers = nnx.List([])\n"
            "        for i in range(2):\n            self.layers.append(nnx.Linear(4, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs))",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        if not ctx.in_module_class or len(node.body) != 1 or not isinstance(node.body[0], cst.Assign):
            return None
        small = node.body[0]
        if len(small.targets) != 1 or not (dotted(small.targets[0].target) or "").startswith("self."):
            return None
        value = small.value
        if isinstance(value, (cst.List, cst.ListComp)):
            wrapper = "nnx.List"
        elif isinstance(value, (cst.Dict, cst.DictComp)):
            wrapper = "nnx.Dict"
        else:
            return None
        empty = isinstance(value, (cst.List, cst.Dict)) and not value.elements
        if not empty and not _has_call(value):
            return None
        return [node.with_changes(body=[small.with_changes(value=call(wrapper, [arg(value)]))])]
