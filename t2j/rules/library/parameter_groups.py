"""What an optimizer trains, as torch code names it: several models (`list(enc.parameters()) +
list(dec.parameters())`, `itertools.chain(...)`), part of a model (`model.head.parameters()`), a model with
frozen parts (`requires_grad = False`, `filter(lambda p: p.requires_grad, ...)`). In NNX the optimizer gets
the tuple of models, or the model with a `wrt` filter that selects the trained parameters (the train step
differentiates `optimizer.wrt`); freezing statements have nothing left to do and go."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.frozen import freeze_of_statement
from t2j.analyze.imports import dotted
from t2j.rules.base import BlockRule, CallRule, Example, StatementRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import code
from t2j.result import UNTRANSLATED_MARK, Diagnostic


def _is_requires_grad_test(node) -> bool:
    """`lambda p: p.requires_grad`."""
    return (
        isinstance(node, cst.Lambda)
        and len(node.params.params) == 1
        and code(node.body) == f"{node.params.params[0].name.value}.requires_grad"
    )


def param_modules(node, ctx: Context) -> list[str] | None:
    """The dotted names of the modules whose parameters `node` lists, in order, or None when it is not
    (only) parameters of modules."""
    if isinstance(node, cst.Name) and node.value in ctx.parameter_groups:
        return list(ctx.parameter_groups[node.value])
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = param_modules(node.left, ctx), param_modules(node.right, ctx)
        return left + right if left is not None and right is not None else None
    if isinstance(node, cst.ListComp) and node.for_in.inner_for_in is None:
        # [p for p in model.parameters() if p.requires_grad]
        f = node.for_in
        if (
            isinstance(f.target, cst.Name)
            and code(node.elt) == f.target.value
            and all(code(i.test) == f"{f.target.value}.requires_grad" for i in f.ifs)
        ):
            return param_modules(f.iter, ctx)
        return None
    if not isinstance(node, cst.Call) or any(a.star or a.keyword for a in node.args):
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "parameters" and not node.args:
        name = dotted(func.value)
        return [name] if name else None
    name = ctx.info.qualname(func) or dotted(func)
    args = [a.value for a in node.args]
    if name == "list" and len(args) == 1:
        return param_modules(args[0], ctx)
    if name in ("itertools.chain", "chain") and args:
        parts = [param_modules(a, ctx) for a in args]
        return [m for p in parts if p is not None for m in p] if all(p is not None for p in parts) else None
    if name == "filter" and len(args) == 2 and _is_requires_grad_test(args[0]):
        return param_modules(args[1], ctx)
    return None


def _prefix_filter(keys: list[tuple]) -> str:
    """An nnx filter selecting the variables under any of the paths (attribute names; an index first when the
    optimizer holds a tuple of models)."""
    tests = [f"lambda path, _: path[:{len(k)}] == {k!r}" for k in keys]
    return tests[0] if len(tests) == 1 else f"nnx.Any({', '.join(tests)})"


def optimizer_target(modules: list[str], ctx: Context) -> tuple[str, str] | None:
    """(the first argument of nnx.Optimizer, its `wrt` filter) for an optimizer over the parameters of
    `modules`: the model, or the tuple of models, and the filter of what torch's optimizer updates (the modules
    named, less the frozen ones). None where NNX has no exact equivalent here (a module frozen and unfrozen
    again, the whole of a single model frozen)."""
    modules = list(dict.fromkeys(modules))
    roots = list(dict.fromkeys(m.split(".")[0] for m in modules))
    index = {r: i for i, r in enumerate(roots)}

    def key(name: str) -> tuple:
        root, *parts = name.split(".")
        return ((index[root],) if len(roots) > 1 else ()) + tuple(parts)

    def inside(k: tuple, prefixes: list[tuple]) -> bool:
        return any(k[: len(p)] == p for p in prefixes)

    if any(m.split(".")[0] in roots for m in ctx.info.refrozen):
        return None
    selected = [key(m) for m in modules]
    frozen = [key(f) for f in sorted(ctx.info.frozen) if f.split(".")[0] in roots and inside(key(f), selected)]
    if () in frozen:
        return None  # the whole model frozen: torch's optimizer would update nothing
    tests = ["nnx.Param"]
    if any("." in m for m in modules):
        tests.append(_prefix_filter(selected))
    if frozen:
        tests.append(f"nnx.Not({_prefix_filter(frozen)})")
    first = roots[0] if len(roots) == 1 else f"({', '.join(roots)})"
    return first, tests[0] if len(tests) == 1 else f"nnx.All({', '.join(tests)})"


@register
class ParameterGroup(StatementRule):
    """`params = itertools.chain(a.parameters(), b.parameters())` (or `list(...) + list(...)`) -> `params =
    (a, b)`: the optimizer built from `params` trains both models (remembered for Optimizers)."""

    priority = 40
    examples = [
        Example(
            torch="params = itertools.chain(encoder.parameters(), head.parameters())\n"
            "optimizer = torch.optim.SGD(params, lr=0.1)",
            jax="params = (encoder, head)\n"
            "optimizer = nnx.Optimizer((encoder, head), optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), "
            "wrt=nnx.Param)",
            verify=False,
        ),
        Example(  # one model's parameters, used as a list: left alone
            torch="params = list(model.parameters())\nn = len(params)",
            jax="params = list(model.parameters())\nn = len(params)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        small = node.body[0] if len(node.body) == 1 else None
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
            return None
        target = small.targets[0].target
        if not isinstance(target, cst.Name):
            return None
        modules = param_modules(small.value, ctx)
        roots = list(dict.fromkeys(m.split(".")[0] for m in modules or []))
        if not modules or len(roots) < 2 or any("." in m for m in modules):
            return None
        ctx.parameter_groups[target.value] = modules
        value = cst.parse_expression(f"({', '.join(roots)})")
        return [node.with_changes(body=[small.with_changes(value=value)])]


@register
class FreezeModule(BlockRule):
    """`for p in model.backbone.parameters(): p.requires_grad = False` / `model.backbone.requires_grad_(False)`
    -> nothing: the optimizer over `model` differentiates and updates only `optimizer.wrt`, a filter that leaves
    `backbone` out (Optimizers). A module unfrozen again later is left, marked."""

    examples = [
        Example(
            torch="for param in model.backbone.parameters():\n    param.requires_grad = False\n"
            "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), "
            "wrt=nnx.All(nnx.Param, nnx.Not(lambda path, _: path[:1] == ('backbone',))))",
            verify=False,
        ),
        Example(  # a loop that does more than freezing is left alone
            torch="for param in model.parameters():\n    param.requires_grad = False\n    print(param.shape)",
            jax="for param in model.parameters():\n    param.requires_grad = False\n    print(param.shape)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements: list[cst.BaseStatement], ctx: Context) -> list[cst.BaseStatement] | None:
        kept, changed = [], False
        for s in statements:
            found = freeze_of_statement(s)
            if found is None and isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1:
                # `model.backbone.requires_grad_(False)` after ToDevice dropped the call: `model.backbone`
                small = s.body[0]
                name = dotted(small.value) if isinstance(small, cst.Expr) else None
                found = (name, False) if name in ctx.info.frozen else None
            if found is None or found[0] not in ctx.info.frozen:
                kept.append(s)
                continue
            if found[0] in ctx.info.refrozen:
                kept.append(_marked(s, ctx, f"requires_grad of {found[0]} set back to True later (unfreezing)"))
                continue
            changed = True
        if not changed:
            return None
        return kept or [cst.SimpleStatementLine(body=[cst.Pass()])]


def _marked(statement, ctx: Context, what: str):
    """`statement` with a `# t2j: not translated` line above it, and its diagnostic."""
    ctx.diagnostics.append(Diagnostic(line=0, message=f"not translated: {what}", snippet=code(statement)[:120]))
    line = cst.EmptyLine(comment=cst.Comment(f"{UNTRANSLATED_MARK} {what}"))
    return statement.with_changes(leading_lines=list(statement.leading_lines) + [line])


def _trainable_filter(module: str, ctx: Context) -> str:
    """An nnx filter for the parameters of `module` that torch leaves `requires_grad` (not frozen)."""
    frozen = [tuple(f[len(module) + 1 :].split(".")) for f in sorted(ctx.info.frozen) if f.startswith(f"{module}.")]
    return f"nnx.All(nnx.Param, nnx.Not({_prefix_filter(frozen)}))" if frozen else "nnx.Param"


@register
class ParameterCount(CallRule):
    """`sum(p.numel() for p in model.parameters() [if p.requires_grad])` -> `sum(p.size for p in
    jax.tree.leaves(nnx.state(model, nnx.Param)))` (frozen modules left out where torch tests requires_grad)."""

    targets = ()
    examples = [
        Example(
            torch="n = sum(p.numel() for p in model.parameters())",
            jax="n = sum(p.size for p in jax.tree.leaves(nnx.state(model, nnx.Param)))",
            verify=False,
        ),
        Example(
            torch="model.encoder.requires_grad_(False)\nn = sum(p.numel() for p in model.parameters() if p.requires_grad)",
            jax="n = sum(p.size for p in jax.tree.leaves(nnx.state(model, nnx.All(nnx.Param, "
            "nnx.Not(lambda path, _: path[:1] == ('encoder',))))))",
            verify=False,
        ),
        Example(  # not a parameter count
            torch="n = sum(len(p) for p in model.parameters())",
            jax="n = sum(len(p) for p in model.parameters())",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if not (isinstance(node.func, cst.Name) and node.func.value == "sum" and len(node.args) == 1):
            return None
        gen = node.args[0].value
        if not isinstance(gen, cst.GeneratorExp) or gen.for_in.inner_for_in is not None:
            return None
        f, it = gen.for_in, gen.for_in.iter
        if not (
            isinstance(f.target, cst.Name)
            and isinstance(it, cst.Call)
            and not it.args
            and isinstance(it.func, cst.Attribute)
            and it.func.attr.value == "parameters"
            and dotted(it.func.value)
        ):
            return None
        p, module = f.target.value, dotted(it.func.value)
        if module is None or code(gen.elt) not in (f"{p}.size", f"{p}.numel()") or module in ctx.info.refrozen:
            return None
        if not all(code(i.test) == f"{p}.requires_grad" for i in f.ifs):
            return None
        wrt = _trainable_filter(module, ctx) if f.ifs else "nnx.Param"
        ctx.use("jax", "nnx")
        return cst.parse_expression(f"sum({p}.size for {p} in jax.tree.leaves(nnx.state({module}, {wrt})))")


@register
class LinearParameters(StatementRule):
    """`[w, b] = model.linear.parameters()` of an nn.Linear -> `w, b = model.linear.kernel[...].T,
    model.linear.bias[...]` (torch's order and layout: the weight is the transposed kernel)."""

    examples = [
        Example(
            torch="self.fc = nn.Linear(3, 2)\nw, b = self.fc.parameters()\ny = x @ w.T + b",
            jax="self.fc = nnx.Linear(3, 2, kernel_init=torch_kernel_init, bias_init=torch_bias_init(3), rngs=rngs)\n"
            "w, b = self.fc.kernel[...].T, self.fc.bias[...]\ny = x @ w.T + b",
            inputs={"x": [4, 3]},
        ),
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        small = node.body[0] if len(node.body) == 1 else None
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
            return None
        target, value = small.targets[0].target, small.value
        if not (
            isinstance(target, (cst.List, cst.Tuple))
            and len(target.elements) == 2
            and isinstance(value, cst.Call)
            and not value.args
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value == "parameters"
        ):
            return None
        module = dotted(value.func.value)
        if module is None:
            return None
        attribute = f"self.{module.rsplit('.', 1)[1]}" if "." in module else module
        if ctx.info.layer_names.get(attribute) != "torch.nn.Linear":
            return None
        names = ", ".join(code(e.value) for e in target.elements)
        line = f"{names} = {module}.kernel[...].T, {module}.bias[...]\n"
        return [cst.parse_statement(line).with_changes(leading_lines=node.leading_lines)]
