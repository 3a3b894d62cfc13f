"""LR schedules: torch.optim.lr_scheduler classes -> emitted schedulers with torch's formulas, and hand-written
schedules through `optimizer.param_groups` -> the optimizer's injected hyperparameters."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import AttributeRule, BlockRule, CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, code


# torch.optim.lr_scheduler class -> the emitted helper (t2j/rules/runtime/schedulers.py)
SCHEDULERS = {
    "StepLR": "TorchStepLR",
    "MultiStepLR": "TorchMultiStepLR",
    "ExponentialLR": "TorchExponentialLR",
    "CosineAnnealingLR": "TorchCosineAnnealingLR",
    "LambdaLR": "TorchLambdaLR",
    "OneCycleLR": "TorchOneCycleLR",
    "ReduceLROnPlateau": "TorchReduceLROnPlateau",
}


@register
class Schedulers(CallRule):
    """optim.lr_scheduler.StepLR/MultiStepLR/ExponentialLR/CosineAnnealingLR/LambdaLR/OneCycleLR/
    ReduceLROnPlateau -> emitted schedulers with torch's formulas that set the optimizer's learning rate."""

    targets = tuple(f"torch.optim.lr_scheduler.{k}" for k in SCHEDULERS)
    examples = [
        Example(
            torch="scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)",
            jax="scheduler = TorchStepLR(optimizer, step_size=5, gamma=0.5)",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        args = [a for a in node.args if not (a.keyword and a.keyword.value in ("verbose", "last_epoch"))]
        return call(ctx.helper(SCHEDULERS[qualname.rsplit(".", 1)[1]]), args)


HYPERPARAMETERS = {"lr": "learning_rate", "momentum": "momentum"}


@register
class ParamGroups(BlockRule):
    """`for group in optimizer.param_groups: group["lr"] = v` (a hand-written schedule) ->
    `optimizer.opt_state.hyperparams["learning_rate"][...] = v` (the emitted optimizers inject it)."""

    examples = [
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor g in optimizer.param_groups:\n"
            "    g['lr'] = 0.01",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n"
            "optimizer.opt_state.hyperparams['learning_rate'][...] = 0.01",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor g in optimizer.param_groups:\n    print(g['lr'])",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\nfor g in torch_param_groups(optimizer):\n    print(g['lr'])",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements: list[cst.BaseStatement], ctx: Context) -> list[cst.BaseStatement] | None:
        out, changed = [], False
        for statement in statements:
            new = self._loop(statement) if isinstance(statement, cst.For) else None
            if new is not None:
                out += new
                changed = True
            else:
                out.append(statement)
        return out if changed else None

    def _loop(self, loop: cst.For):
        if not isinstance(loop.target, cst.Name):
            return None
        if isinstance(loop.iter, cst.Attribute) and loop.iter.attr.value == "param_groups":
            optimizer = code(loop.iter.value)
        elif isinstance(loop.iter, cst.Call) and code(loop.iter.func) == "torch_param_groups" and loop.iter.args:
            optimizer = code(loop.iter.args[0].value)  # ParamGroupsRead rewrote the iterable first
        else:
            return None
        group = loop.target.value
        new = []
        for statement in loop.body.body:
            key, value = _group_assignment(statement, group)
            if key not in HYPERPARAMETERS:
                return None
            line = cst.parse_statement(f"{optimizer}.opt_state.hyperparams[{HYPERPARAMETERS[key]!r}][...] = 0\n")
            assign = line.body[0].with_changes(value=value)
            new.append(line.with_changes(body=[assign], leading_lines=statement.leading_lines))
        if new:
            new[0] = new[0].with_changes(leading_lines=loop.leading_lines)
        return new or None


def _group_assignment(statement, group: str):
    """('lr', value) for `group['lr'] = value` or its rewritten form `group = group.at['lr'].set(value)`."""
    if not (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Assign)
        and len(statement.body[0].targets) == 1
    ):
        return None, None
    target, value = statement.body[0].targets[0].target, statement.body[0].value
    subscript = None
    if isinstance(target, cst.Subscript) and code(target.value) == group:
        subscript = target
    elif (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "set"
        and isinstance(value.func.value, cst.Subscript)
        and code(value.func.value.value) == f"{group}.at"
    ):
        subscript, value = value.func.value, value.args[0].value
    if subscript is None or len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
        return None, None
    key = subscript.slice[0].slice.value
    if not isinstance(key, cst.SimpleString):
        return None, None
    return key.evaluated_value, value


@register
class ParamGroupsRead(AttributeRule):
    """`optimizer.param_groups` read elsewhere (`optimizer.param_groups[0]["lr"]` in a log line) ->
    `torch_param_groups(optimizer)`, a view of the injected hyperparameters."""

    attributes = ("param_groups",)
    priority = -1
    examples = [
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nprint(optimizer.param_groups[0]['lr'])",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n"
            "print(torch_param_groups(optimizer)[0]['lr'])",
            verify=False,
        ),
        Example(torch="groups = config.param_groups", jax="groups = config.param_groups", verify=False, fires=False),
    ]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        name = dotted(node.value)
        if name is None or (name not in ctx.optimizer_models and name not in ctx.info.optimizers):
            return None
        return call(ctx.helper("torch_param_groups"), [arg(node.value)])
