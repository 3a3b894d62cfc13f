"""Values read out of arrays in code a module runs on every call: under jax.jit they are tracers."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import Example, MethodRule, register
from t2j.rules.context import Context

READ_OUT = "reads a traced value under jax.jit (use shapes or a static argument)"


@register
class DataDependentValue(MethodRule):
    """`x.item()` / `x.tolist()` in forward-time code (a module's methods but __init__, and the functions they
    call) is kept as it is and marked: a data-dependent Python value (a mask length `int(lengths.max().item())`)
    cannot be traced, so the translation would only fail at its first jitted call."""

    methods = ("item", "tolist")
    examples = [
        Example(
            torch="class M(nn.Module):\n    def forward(self, x):\n        return x[: int(x.sum().item())]",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        pass\n"
            "    def __call__(self, x):\n"
            "        return x[: int(x.sum().item())]  # t2j: not translated: `.item()` " + READ_OUT,
            verify=False,
        ),
        # outside what a module runs (a training loop's logging, data preparation) it works on JAX arrays
        Example(
            torch="def report(loss):\n    return loss.item()",
            jax="def report(loss):\n    return loss.item()",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        fn = ctx.function
        if fn is None or fn.key not in ctx.info.run_by_forward:
            return None
        ctx.untranslated(node, f"`.{name}()` {READ_OUT}")
        assert isinstance(node.func, cst.Attribute)
        return node.with_changes(func=node.func.with_changes(value=receiver))
