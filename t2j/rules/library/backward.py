"""What training loops leave behind after the train-step rewrite: `loss.backward()` calls that no step absorbed (marked), and train steps hoisted out of the loops that define them."""

from __future__ import annotations


import libcst as cst

from t2j.rules.base import BlockRule, Example, MethodRule, register
from t2j.rules.context import Context
from t2j.rules.library.train_loop import _expr_call
from t2j.rules.cstutil import arg, code
from t2j.rules.names import _assigned_names, _loop_assigned, _read_names
from t2j.result import UNTRANSLATED_MARK, Diagnostic


@register
class HoistTrainStep(BlockRule):
    """Moves each jitted train step (TrainStep) out of the loops around it, so that it is traced once rather
    than redefined (and retraced) on every iteration. Names a loop assigns that the step reads (the batch, the
    epoch) become parameters of the step and arguments of its calls; values fixed before the loops stay
    closed over."""

    priority = -5
    examples = [
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor epoch in range(2):\n    for xb, yb in loader:\n        optimizer.zero_grad()\n        loss = ((model(xb) - yb) ** 2).mean()\n        loss.backward()\n        optimizer.step()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n@nnx.jit\ndef train_step(model, optimizer, xb, yb):\n    def loss_fn(model):\n        loss = ((model(xb) - yb) ** 2).mean()\n        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n    optimizer.update(model, grads)\n    return loss\nfor epoch in range(2):\n    for xb, yb in loader:\n        loss = train_step(model, optimizer, xb, yb)",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\noptimizer.zero_grad()\nloss = model(x).mean()\nloss.backward()\noptimizer.step()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n@nnx.jit\ndef train_step(model, optimizer):\n    def loss_fn(model):\n        loss = model(x).mean()\n        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n    optimizer.update(model, grads)\n    return loss\nloss = train_step(model, optimizer)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements: list[cst.BaseStatement], ctx: Context) -> list[cst.BaseStatement] | None:
        if not ctx.train_steps:
            return None
        out, changed = [], False
        for statement in statements:
            if isinstance(statement, (cst.For, cst.While)):
                found = _find_steps(statement.body, ctx.train_steps)
                if found:
                    statement, hoisted = _hoist(statement, found, ctx.step_mappings)
                    out += hoisted
                    changed = True
            out.append(statement)
        return out if changed else None


def _find_steps(node, names: set[str]) -> list[cst.FunctionDef]:
    found: list[cst.FunctionDef] = []

    class Finder(cst.CSTVisitor):
        def visit_FunctionDef(self, n):
            if n.name.value in names and n.decorators:
                found.append(n)
            return False

        def visit_ClassDef(self, n):
            return False

    node.visit(Finder())
    return found


def _hoist(loop, steps: list[cst.FunctionDef], mappings: dict[str, dict]):
    """(the loop without the step definitions, the definitions with the loop's names as extra parameters)."""
    assigned = _loop_assigned(loop)
    extra: dict[str, list[str]] = {}
    hoisted = []
    for fn in steps:
        params = [p.name.value for p in fn.params.params]
        local = set(_assigned_names(list(fn.body.body)))
        add = [n for n in _read_names(fn.body) if n in assigned and n not in params and n not in local]
        extra[fn.name.value] = add
        new_params = list(fn.params.params) + [cst.Param(cst.Name(n)) for n in add]
        mapping = mappings.get(fn.name.value)
        if mapping is not None:
            mapping["args"].update({n: n for n in add})
            mapping["closure"] = [n for n in mapping["closure"] if n not in add]
        hoisted.append(fn.with_changes(params=fn.params.with_changes(params=new_params), leading_lines=[]))

    class Rewriter(cst.CSTTransformer):
        def leave_FunctionDef(self, original, updated):
            if any(original is fn for fn in steps):
                return cst.RemoveFromParent()
            return updated

        def leave_Call(self, original, updated):
            if isinstance(updated.func, cst.Name) and extra.get(updated.func.value):
                return updated.with_changes(args=list(updated.args) + [arg(n) for n in extra[updated.func.value]])
            return updated

    return loop.visit(Rewriter()), hoisted


@register
class Backward(MethodRule):
    """Remembers where each `loss.backward()` is (for LeftoverBackward); rewrites nothing."""

    methods = ("backward",)
    observes_only = True
    examples = [
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor i in range(3):\n    loss = model(x).mean()\n    loss.backward()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\nfor i in range(3):\n    loss = model(x).mean()\n    loss.backward()  # t2j: not translated: loss.backward() (gradient accumulation or a pattern TrainStep does not cover)",
            verify=False,
        )
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        ctx.backward_lines[code(node)] = ctx.source_line(node)
        return None


@register
class LeftoverBackward(BlockRule):
    """A `.backward()` / `.zero_grad()` / `.step()` that TrainStep could not fold into a train step
    (gradient accumulation, several optimizers...) is marked as not translated, with its line."""

    priority = -10
    examples = [
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nloss = model(x).mean()\nloss.backward()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\nloss = model(x).mean()\nloss.backward()  # t2j: not translated: loss.backward() (gradient accumulation or a pattern TrainStep does not cover)",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor i in range(3):\n    optimizer.zero_grad()\n    loss = model(x).mean()\n    loss.backward()\n    optimizer.step()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n@nnx.jit\ndef train_step(model, optimizer):\n    def loss_fn(model):\n        loss = model(x).mean()\n        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n    optimizer.update(model, grads)\n    return loss\nfor i in range(3):\n    loss = train_step(model, optimizer)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements: list[cst.BaseStatement], ctx: Context) -> list[cst.BaseStatement] | None:
        changed = False
        out = []
        for s in statements:
            c = _expr_call(s, "backward")
            if c is not None and not c.args and UNTRANSLATED_MARK not in code(s):
                line = ctx.backward_lines.get(code(c), 0)
                what = f"{code(c)} (gradient accumulation or a pattern TrainStep does not cover)"
                ctx.diagnostics.append(Diagnostic(line=line, message=f"not translated: {what}", snippet=code(c)))
                s = s.with_changes(
                    trailing_whitespace=cst.TrailingWhitespace(
                        whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(f"{UNTRANSLATED_MARK} {what}")
                    )
                )
                changed = True
            out.append(s)
        return out if changed else None
