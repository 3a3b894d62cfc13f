"""`class F(torch.autograd.Function)`: a custom gradient, as a jax.custom_vjp built from the class's own backward."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import ClassRule, Example, register
from t2j.rules.context import Context


@register
class AutogradFunction(ClassRule):
    """`class F(torch.autograd.Function)` with static forward/backward -> a plain class plus
    `F.apply = torch_autograd_function(F)` (a jax.custom_vjp using the class's own backward)."""

    priority = 10
    examples = [
        Example(
            torch="class Clip(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x.clamp(-1, 1)\n"
            "    @staticmethod\n    def backward(ctx, g):\n        return g",
            jax="class Clip(object):\n    @staticmethod\n    def forward(ctx, x):\n        return jnp.clip(x, min=-1, max=1)\n"
            "    @staticmethod\n    def backward(ctx, g):\n        return g\nClip.apply = torch_autograd_function(Clip)",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.ClassDef, ctx: Context) -> cst.ClassDef | cst.FlattenSentinel | None:
        name = node.name.value
        if name not in ctx.info.autograd_functions:
            return None
        line = cst.parse_statement(f"{name}.apply = {ctx.helper('torch_autograd_function').value}({name})\n")
        return cst.FlattenSentinel([node, line])
