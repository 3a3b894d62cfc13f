"""Gradient accumulation: several `loss.backward()` calls summed into one optimizer step -> a jitted
`grad_step` returning each micro-batch's gradients, summed with `jax.tree.map`, applied by `opt.update`."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import BlockRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import code
from t2j.rules.library.train_loop import _expr_call, _jitted_step, _trained_by


def _receiver(call: cst.Call | None) -> str | None:
    """`opt` of a call `opt.method(...)`."""
    if call is None or not isinstance(call.func, cst.Attribute):
        return None
    return dotted(call.func.value)


def _calls(statement, method: str, receiver: str) -> bool:
    return _receiver(_expr_call(statement, method)) == receiver


def _backward_loop(statement: cst.BaseStatement) -> bool:
    """A `for`/`while` whose own body calls `loss.backward()`."""
    return isinstance(statement, (cst.For, cst.While)) and any(
        _expr_call(s, "backward") is not None for s in statement.body.body
    )


def _leading(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement.leading_lines
    return ()


def _steps_inside(statement, opt_name: str) -> bool:
    """An `if` (or its else branches) whose body steps the optimizer: `if (i + 1) % k == 0: opt.step()`."""
    found = []

    class Finder(cst.CSTVisitor):
        def visit_SimpleStatementLine(self, node):
            if _calls(node, "step", opt_name):
                found.append(node)

        def visit_FunctionDef(self, node):
            return False

    if isinstance(statement, cst.If):
        statement.visit(Finder())
    return bool(found)


class _ApplyAccumulated(cst.CSTTransformer):
    """Inside the conditional step: `opt.step()` -> `opt.update(model, grads)`, `opt.zero_grad()` -> `grads =
    None` (the next micro-batch starts a new sum)."""

    def __init__(self, opt_name: str, trained: str):
        self.opt_name, self.trained = opt_name, trained

    def leave_SimpleStatementLine(self, original, updated):
        if _calls(original, "step", self.opt_name):
            return cst.parse_statement(f"{self.opt_name}.update({self.trained}, grads)\n").with_changes(
                leading_lines=original.leading_lines
            )
        if _calls(original, "zero_grad", self.opt_name):
            return cst.parse_statement("grads = None\n").with_changes(leading_lines=original.leading_lines)
        return updated


@register
class GradientAccumulation(BlockRule):
    """`opt.zero_grad(); for ...: <loss>; loss.backward(); ...; opt.step()` (gradients summed over several
    backward passes) -> a jitted `grad_step` returning each micro-batch's gradients, summed with `jax.tree.map`
    into `grads`, then `opt.update(model, grads)`. The step may sit after the loop or inside it under a condition
    (`if (i + 1) % accumulation_steps == 0: opt.step(); opt.zero_grad()`)."""

    examples = [
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\noptimizer.zero_grad()\nfor xb, yb in batches:\n"
            "    loss = ((model(xb) - yb) ** 2).mean() / 4\n    loss.backward()\noptimizer.step()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n"
            "grads = None\n@nnx.jit\n"
            "def grad_step(model, xb, yb):\n    def loss_fn(model):\n        loss = ((model(xb) - yb) ** 2).mean() / 4\n"
            "        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n    return grads, loss\n"
            "for xb, yb in batches:\n    micro_grads, loss = grad_step(model, xb, yb)\n"
            "    grads = micro_grads if grads is None else jax.tree.map(jnp.add, grads, micro_grads)\n"
            "optimizer.update(model, grads)",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\noptimizer.zero_grad()\n"
            "for i, (xb, yb) in enumerate(batches):\n    loss = ((model(xb) - yb) ** 2).mean() / 4\n    loss.backward()\n"
            "    if (i + 1) % 4 == 0:\n        optimizer.step()\n        optimizer.zero_grad()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n"
            "grads = None\n@nnx.jit\n"
            "def grad_step(model, xb, yb):\n    def loss_fn(model):\n        loss = ((model(xb) - yb) ** 2).mean() / 4\n"
            "        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n    return grads, loss\n"
            "for i, (xb, yb) in enumerate(batches):\n    micro_grads, loss = grad_step(model, xb, yb)\n"
            "    grads = micro_grads if grads is None else jax.tree.map(jnp.add, grads, micro_grads)\n"
            "    if (i + 1) % 4 == 0:\n        optimizer.update(model, grads)\n        grads = None",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor xb, yb in batches:\n    optimizer.zero_grad()\n    loss = ((model(xb) - yb) ** 2).mean()\n    loss.backward()\n    optimizer.step()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n@nnx.jit\ndef train_step(model, optimizer, xb, yb):\n    def loss_fn(model):\n        loss = ((model(xb) - yb) ** 2).mean()\n        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n    optimizer.update(model, grads)\n    return loss\nfor xb, yb in batches:\n    loss = train_step(model, optimizer, xb, yb)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements: list[cst.BaseStatement], ctx: Context) -> list[cst.BaseStatement] | None:
        for zero, statement in enumerate(statements):
            opt_name = _receiver(_expr_call(statement, "zero_grad"))
            if opt_name is None or _trained_by(opt_name, ctx, statements) is None:
                continue
            step = next((i for i in range(zero + 1, len(statements)) if _calls(statements[i], "step", opt_name)), None)
            loop = next(
                (
                    i
                    for i in range(zero + 1, step if step is not None else len(statements))
                    if _backward_loop(statements[i])
                ),
                None,
            )
            if loop is None:
                continue
            group = ctx.optimizer_groups.get(opt_name, [ctx.optimizer_models[opt_name]])
            trained = group[0] if len(group) == 1 else f"({', '.join(group)})"
            # without a step after the loop, the loop must step under a condition after its backward()
            new_loop = self._loop(statements[loop], ctx, opt_name, trained, inner_step=step is None)
            if new_loop is None:
                continue
            reset = cst.parse_statement("grads = None\n").with_changes(leading_lines=_leading(statement))
            ctx.use("jnp")
            if step is None:
                return statements[:zero] + [reset] + statements[zero + 1 : loop] + new_loop + statements[loop + 1 :]
            apply = cst.parse_statement(f"{opt_name}.update({trained}, grads)\n").with_changes(
                leading_lines=_leading(statements[step])
            )
            return (
                statements[:zero]
                + [reset]
                + statements[zero + 1 : loop]
                + new_loop
                + statements[loop + 1 : step]
                + [apply]
                + statements[step + 1 :]
            )
        return None

    def _loop(self, loop, ctx, opt_name: str, trained: str, inner_step: bool):
        body = list(loop.body.body)
        back = next(i for i, s in enumerate(body) if _expr_call(s, "backward") is not None)
        loss_call = _expr_call(body[back], "backward")
        if loss_call is None or not isinstance(loss_call.func, cst.Attribute):
            return None
        loss = loss_call.func.value
        if (
            loss_call.args
            or not isinstance(loss, cst.Name)
            or any(_expr_call(s, m) is not None for s in body for m in ("step", "zero_grad"))
        ):
            return None
        after = body[back + 1 :]
        if inner_step:
            if not any(_steps_inside(s, opt_name) for s in after):
                return None
            apply = _ApplyAccumulated(opt_name, trained)
            after = [cst.ensure_type(s.visit(apply), cst.If) if _steps_inside(s, opt_name) else s for s in after]
        elif any(_steps_inside(s, opt_name) for s in after):
            return None  # a step inside the loop and one after it: not a shape this rule knows
        text = code(loop)
        jitted, batch_lines, call_line = _jitted_step(
            ctx, ctx.optimizer_models[opt_name], opt_name, body[:back], loss.value, text, [], update=False
        )
        add = cst.parse_statement(
            "grads = micro_grads if grads is None else jax.tree.map(jnp.add, grads, micro_grads)\n"
        )
        # LeftoverBackward already marked this backward() inside the loop: it is translated now
        snippet = code(loss_call)
        ctx.diagnostics[:] = [d for d in ctx.diagnostics if d.snippet != snippet]
        new_body = [jitted] + batch_lines + [call_line, add] + after  # HoistTrainStep moves the def out
        return [loop.with_changes(body=loop.body.with_changes(body=new_body))]
