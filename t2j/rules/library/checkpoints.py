"""Checkpoints: torch.save/load -> a pickled pytree of NumPy arrays, state_dict()/load_state_dict() -> nnx.state."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, MethodRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, positional


@register
class Checkpoints(CallRule):
    """torch.save(obj, path) -> save_checkpoint (a pickled pytree of NumPy arrays); torch.load -> load_checkpoint."""

    targets = ("torch.save", "torch.load")
    examples = [
        Example(
            torch="torch.save(model.state_dict(), 'm.pt')\nsd = torch.load('m.pt')\nmodel.load_state_dict(sd)",
            jax="save_checkpoint(nnx.state(model), 'm.pt')\nsd = load_checkpoint('m.pt')\nload_state_dict(model, sd)",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if qualname.endswith("save"):
            return call(ctx.helper("save_checkpoint"), positional(node)[:2])
        return call(ctx.helper("load_checkpoint"), positional(node)[:1])


@register
class StateDict(MethodRule):
    """model.state_dict() -> nnx.state(model); model.load_state_dict(sd) -> load_state_dict(model, sd)."""

    methods = ("state_dict", "load_state_dict")
    examples = [
        Example(
            torch="sd = model.state_dict()\nmodel.load_state_dict(sd)",
            jax="sd = nnx.state(model)\nload_state_dict(model, sd)",
            verify=False,
        ),
        Example(
            torch="sd = model.state_dict(prefix='encoder.')",
            jax="sd = model.state_dict(prefix='encoder.')",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        if name == "state_dict":
            if node.args:
                return None
            return call("nnx.state", [arg(receiver)])
        if not node.args:
            return None
        return call(ctx.helper("load_state_dict"), [arg(receiver), arg(node.args[0].value)])
