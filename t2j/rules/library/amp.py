"""Mixed precision (AMP) under a stated policy: float32. `autocast` regions run in float32 (GradContextCalls
drops the context), and a GradScaler has nothing to do: float32 gradients do not underflow, so
`scaler.scale(loss).backward(); scaler.step(opt); scaler.update()` is the plain step. bf16 compute on an
accelerator is a choice for the user (`param_dtype`/`dtype` of the layers), not a silent change of numbers."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import BlockRule, CallRule, Example, StatementRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import code

SCALERS = ("torch.cuda.amp.GradScaler", "torch.amp.GradScaler", "torch.cpu.amp.GradScaler", "torch.GradScaler")
POLICY = "# t2j: mixed precision -> float32 policy: no loss scaling needed (autocast regions run in float32)"


@register
class GradScalerCall(CallRule):
    """`torch.cuda.amp.GradScaler(...)` is recognised here; GradScalerLine replaces its assignment."""

    targets = SCALERS
    examples = [
        Example(torch="scaler = torch.cuda.amp.GradScaler(enabled=True)", jax=f"scaler = None  {POLICY}", verify=False)
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        return node


@register
class GradScalerLine(StatementRule):
    """`scaler = GradScaler(...)` -> `scaler = None` with the policy as a comment (AmpSteps rewrites its uses)."""

    priority = 10
    examples = [Example(torch="scaler = torch.amp.GradScaler('cuda')", jax=f"scaler = None  {POLICY}", verify=False)]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        small = node.body[0] if len(node.body) == 1 else None
        if not (
            isinstance(small, cst.Assign)
            and isinstance(small.value, cst.Call)
            and ctx.info.qualname(small.value.func) in SCALERS
        ):
            return None
        line = node.with_changes(
            body=[small.with_changes(value=cst.Name("None"))],
            trailing_whitespace=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(POLICY)
            ),
        )
        return [line]


def _scaler_backward(statement) -> tuple[str, cst.BaseExpression] | None:
    """(scaler, loss) of `scaler.scale(loss).backward()`."""
    if not (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
    ):
        return None
    c = statement.body[0].value
    if isinstance(c, cst.Call) and not c.args and isinstance(c.func, cst.Attribute) and c.func.attr.value == "backward":
        inner = c.func.value
        if (
            isinstance(inner, cst.Call)
            and isinstance(inner.func, cst.Attribute)
            and inner.func.attr.value == "scale"
            and isinstance(inner.func.value, cst.Name)
            and len(inner.args) == 1
        ):
            return inner.func.value.value, inner.args[0].value
    return None


def _scaler_call(statement, scaler: str) -> tuple[str, cst.Call] | None:
    if not (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.Call)
    ):
        return None
    c = statement.body[0].value
    if isinstance(c.func, cst.Attribute) and code(c.func.value) == scaler:
        return c.func.attr.value, c
    return None


@register
class AmpSteps(BlockRule):
    """`scaler.scale(loss).backward()` -> `loss.backward()`, `scaler.step(opt)` -> `opt.step()`,
    `scaler.update()` / `scaler.unscale_(opt)` dropped (float32 policy); TrainStep then folds the plain step."""

    priority = 20
    examples = [
        Example(
            torch="scaler = torch.cuda.amp.GradScaler()\nfor i in range(2):\n    loss = model(x).mean()\n"
            "    scaler.scale(loss).backward()\n    scaler.step(optimizer)\n    scaler.update()",
            jax=f"scaler = None  {POLICY}\n@nnx.jit\ndef train_step(model, optimizer):\n    def loss_fn(model):\n"
            "        loss = model(x).mean()\n        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n"
            "    optimizer.update(model, grads)\n    return loss\nfor i in range(2):\n"
            "    loss = train_step(model, optimizer)",
            verify=False,
        ),
        Example(  # a `.scale(...)` that is not followed by backward() is someone else's method
            torch="for i in range(2):\n    y = transform.scale(x)\n    transform.update()",
            jax="for i in range(2):\n    y = transform.scale(x)\n    transform.update()",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements: list[cst.BaseStatement], ctx: Context) -> list[cst.BaseStatement] | None:
        found = next((f for f in map(_scaler_backward, statements) if f is not None), None)
        if found is None:
            return None
        scaler = found[0]
        out = []
        for s in statements:
            backward = _scaler_backward(s)
            if backward is not None and backward[0] == scaler:
                original = code(s.body[0].value)
                if original in ctx.backward_lines:  # the torch line, for the train step's data
                    ctx.backward_lines[f"{code(backward[1])}.backward()"] = ctx.backward_lines[original]
                out.append(
                    cst.parse_statement(f"{code(backward[1])}.backward()\n").with_changes(leading_lines=s.leading_lines)
                )
                continue
            method = _scaler_call(s, scaler)
            if method is not None and method[0] in ("update", "unscale_"):
                continue
            if method is not None and method[0] == "step" and len(method[1].args) == 1:
                out.append(
                    cst.parse_statement(f"{code(method[1].args[0].value)}.step()\n").with_changes(
                        leading_lines=s.leading_lines
                    )
                )
                continue
            out.append(s)
        return out
