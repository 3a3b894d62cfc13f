"""Training without an optimizer object: a hand-written SGD update over `model.parameters()` after
`loss.backward()` -> a jitted train step that applies the same update to every parameter with `jax.tree.map`
(`param -= lr * param.grad` on a JAX array would rebind a loop variable and update nothing)."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import BlockRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import code
from t2j.rules.library.train_loop import _expr_call, _fresh, _in, _jitted_step, _loss_slice, _model_free_first
from t2j.rules.names import _assigned_names, _read_names


def _parameters_loop(statement) -> tuple[str, str] | None:
    """(the loop variable, the model) of `for p in model.parameters():`."""
    if not isinstance(statement, cst.For) or not isinstance(statement.target, cst.Name) or statement.orelse:
        return None
    it = statement.iter
    if (
        isinstance(it, cst.Call)
        and not it.args
        and isinstance(it.func, cst.Attribute)
        and it.func.attr.value == "parameters"
        and isinstance(it.func.value, cst.Name)
    ):
        return statement.target.value, it.func.value.value
    return None


def _is_grad_reset(statement, param: str) -> bool:
    """`p.grad = ...` (None, zeros) or `p.grad.zero_()`: clearing what JAX never accumulates."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        return code(small.targets[0].target) == f"{param}.grad"
    return isinstance(small, cst.Expr) and code(small.value) == f"{param}.grad.zero_()"


def _update_expression(statement, param: str) -> cst.BaseExpression | None:
    """The new value of the parameter for `p -= e` / `p += e` / `p = f(p)`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if (
        isinstance(small, cst.AugAssign)
        and code(small.target) == param
        and isinstance(small.operator, (cst.SubtractAssign, cst.AddAssign))
    ):
        op = cst.Subtract() if isinstance(small.operator, cst.SubtractAssign) else cst.Add()
        return cst.BinaryOperation(
            left=cst.Name(param),
            operator=op,
            right=small.value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            if isinstance(small.value, cst.BinaryOperation)
            and not isinstance(small.value.operator, (cst.Multiply, cst.Divide))
            else small.value,
        )
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and code(small.targets[0].target) == param:
        return small.value
    return None


class _GradToName(cst.CSTTransformer):
    def __init__(self, param: str, grad: str):
        self.param, self.grad = param, grad

    def leave_Attribute(self, original, updated):
        if isinstance(updated.value, cst.Name) and updated.value.value == self.param and updated.attr.value == "grad":
            return cst.Name(self.grad)
        return updated


@register
class ManualSGD(BlockRule):
    """`loss.backward()` then `for p in model.parameters(): p -= lr * p.grad` (under `torch.no_grad()`, through
    `.data`, with `p.grad.zero_()` or `model.zero_grad()`) -> a jitted train step whose update maps the same
    expression over the parameters and their gradients: `nnx.update(model, jax.tree.map(lambda p, grad: ...,
    nnx.state(model, nnx.Param), grads))`."""

    examples = [
        Example(
            torch="for t in range(3):\n    loss = ((model(x) - y) ** 2).mean()\n    model.zero_grad()\n    loss.backward()\n"
            "    with torch.no_grad():\n        for param in model.parameters():\n            param -= 0.1 * param.grad",
            jax="@nnx.jit\ndef train_step(model):\n    def loss_fn(model):\n        loss = ((model(x) - y) ** 2).mean()\n"
            "        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n"
            "    nnx.update(model, jax.tree.map(lambda param, gradient: param - 0.1 * gradient, nnx.state(model, nnx.Param), grads))\n"
            "    return loss\nfor t in range(3):\n    loss = train_step(model)",
            verify=False,
        ),
        Example(  # an update that is not a plain function of the parameter and its gradient stays marked
            torch="for t in range(3):\n    loss = model(x).mean()\n    loss.backward()\n    for param in model.parameters():\n"
            "        print(param.grad)",
            jax="for t in range(3):\n    loss = model(x).mean()\n    loss.backward()  # t2j: not translated: loss.backward() "
            "(gradient accumulation or a pattern TrainStep does not cover)\n    for param in model.parameters():\n"
            "        print(param.grad)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements: list[cst.BaseStatement], ctx: Context) -> list[cst.BaseStatement] | None:
        back = next((i for i, s in enumerate(statements) if _expr_call(s, "backward") is not None), None)
        if back is None or back + 1 >= len(statements):
            return None
        loss_call = _expr_call(statements[back], "backward")
        if loss_call.args or not isinstance(loss_call.func.value, cst.Name):
            return None
        loss = loss_call.func.value.value
        found = _parameters_loop(statements[back + 1])
        if found is None:
            return None
        param, model = found
        updates = [_update_expression(s, param) for s in statements[back + 1].body.body]
        resets = [_is_grad_reset(s, param) for s in statements[back + 1].body.body]
        if (
            not any(u is not None for u in updates)
            or not all(u is not None or r for u, r in zip(updates, resets))
            or sum(u is not None for u in updates) != 1
        ):
            return None
        text = "".join(code(s) for s in statements)
        grad = _fresh("gradient", text)
        new_value = next(u for u in updates if u is not None).visit(_GradToName(param, grad))
        if model in _read_names(new_value):
            return None
        zero = [i for i in range(back) if _expr_call(statements[i], "zero_grad") is not None]
        candidates = [s for i, s in enumerate(statements[:back]) if i not in zero]
        moved = _loss_slice(candidates, loss, model)
        if not moved:
            return None
        free, body = _model_free_first(moved, model, loss)
        apply = (
            f"    nnx.update({model}, jax.tree.map(lambda {param}, {grad}: {code(new_value)}, "
            f"nnx.state({model}, nnx.Param), grads))\n"
        )
        jitted, batch_lines, call_line = _jitted_step(
            ctx, model, "", body, loss, text, [], apply=apply, backward=code(loss_call)
        )
        kept = [s for s in candidates if not _in(s, moved)]
        computed = set(_assigned_names(body))
        position = {id(s): i for i, s in enumerate(statements)}
        late = [s for s in kept if position[id(s)] > position[id(body[0])] and set(_read_names(s)) & computed]
        before = [s for s in kept if not _in(s, late)] + free
        ctx.use("nnx", "jax")
        return before + [jitted] + batch_lines + [call_line] + late + list(statements[back + 2 :])


@register
class ParameterMap(BlockRule):
    """`for p in model.parameters(): p.data.clamp_(-c, c)` (an in-place change of every parameter outside the
    gradient: WGAN weight clipping, weight decay by hand, an EMA-free rescale) -> `nnx.update(model,
    jax.tree.map(lambda p: ..., nnx.state(model, nnx.Param)))`. Rebinding the loop variable, which the in-place
    rewrite gives, would change nothing."""

    examples = [
        Example(
            torch="for p in critic.parameters():\n    p.data.clamp_(-0.01, 0.01)",
            jax="nnx.update(critic, jax.tree.map(lambda p: jnp.clip(p, min=-0.01, max=0.01), "
            "nnx.state(critic, nnx.Param)))",
            verify=False,  # a statement over a model's state: verified by replaying a script (tests/data/scripts)
        ),
        Example(
            torch="with torch.no_grad():\n    for param in model.parameters():\n        param.mul_(0.5)",
            jax="nnx.update(model, jax.tree.map(lambda param: param * 0.5, nnx.state(model, nnx.Param)))",
            verify=False,
        ),
        Example(  # a loop that reads the parameters without changing them is not an update
            torch="for p in model.parameters():\n    print(p.shape)",
            jax="for p in model.parameters():\n    print(p.shape)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements: list[cst.BaseStatement], ctx: Context) -> list[cst.BaseStatement] | None:
        for i, statement in enumerate(statements):
            found = _parameters_loop(statement)
            if found is None or not isinstance(statement, cst.For):
                continue
            param, model = found
            body = list(statement.body.body)
            if len(body) != 1:
                continue
            new_value = _update_expression(body[0], param)
            small = body[0].body[0] if isinstance(body[0], cst.SimpleStatementLine) else None
            if (
                new_value is None
                or not isinstance(small, cst.Assign)  # `p -= ...` is a hand-written SGD step (ManualSGD)
                or param not in _read_names(new_value)
                or model in _read_names(new_value)
                or "grad" in code(new_value)
            ):
                continue
            update = cst.parse_statement(
                f"nnx.update({model}, jax.tree.map(lambda {param}: {code(new_value)}, nnx.state({model}, nnx.Param)))\n"
            ).with_changes(leading_lines=statement.leading_lines)
            ctx.use("nnx", "jax")
            return statements[:i] + [update] + statements[i + 1 :]
        return None
