"""Tensor dtype and device methods: `x.float()`, `x.long()`, `x.to(device)`, `x.cuda()` (devices are JAX's business: the device moves drop)."""

from __future__ import annotations


import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import Example, MethodRule, register
from t2j.rules.context import Context
from t2j.rules.library.tensor_methods import DTYPE_METHODS
from t2j.rules.cstutil import arg, call, is_string, keyword
from t2j.rules.tensor_ops import paren


@register
class DtypeMethods(MethodRule):
    """x.float()/long()/... -> x.astype(jnp.float32/...); x.type(dtype)/type_as(y)."""

    methods = tuple(DTYPE_METHODS) + ("type_as", "type")
    examples = [
        Example(
            torch="y = (x > 0).float() * x.type_as(x)",
            jax="y = (x > 0).astype(jnp.float32) * x.astype(x.dtype)",
            inputs={"x": [3, 4]},
        ),
        Example(torch="name = x.type()", jax="name = x.type()", verify=False, fires=False),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        ctx.use("jnp")
        r = paren(receiver)
        if name == "type_as":
            if not node.args:
                return None
            other = paren(node.args[0].value)
            return call(
                cst.Attribute(value=r, attr=cst.Name("astype")),
                [arg(cst.Attribute(value=other, attr=cst.Name("dtype")))],
            )
        if name == "type":
            if not node.args:
                return None
            return call(cst.Attribute(value=r, attr=cst.Name("astype")), [arg(node.args[0].value)])
        if node.args:
            return None
        return call(cst.Attribute(value=r, attr=cst.Name("astype")), [arg(DTYPE_METHODS[name])])


def _is_device(node: cst.BaseExpression) -> bool:
    text = dotted(node) or ""
    if is_string(node) or text == "None":  # `x.device` translates to None (DeviceAttributes)
        return True
    return "device" in text.lower() or text.endswith(("cuda", "cpu"))


@register
class ToDevice(MethodRule):
    """x.to(device)/.cuda()/.cpu()/.contiguous()/.clone() -> x; x.to(dtype) -> astype; x.detach() ->
    lax.stop_gradient(x); x.numpy() -> np.asarray(x)."""

    methods = (
        "to",
        "cuda",
        "cpu",
        "contiguous",
        "clone",
        "detach",
        "numpy",
        "requires_grad_",
        "pin_memory",
        "share_memory_",
    )
    examples = [
        Example(
            torch="y = x.to(x.device).contiguous().clone() * x.detach()",
            jax="y = x * jax.lax.stop_gradient(x)",
            inputs={"x": [3, 4]},
        ),
        Example(torch="y = x.to(torch.float32)", jax="y = x.astype(jnp.float32)", inputs={"x": [3, 4]}),
        Example(
            torch="dtype = x.dtype\ny = (x * 2).double().to(dtype)",
            jax="dtype = x.dtype\ny = (x * 2).astype(jnp.float64).astype(dtype)",
            inputs={"x": [3, 4]},
        ),
        Example(
            torch="class Trainer:\n    def moved(self, device):\n        return self.to(device)",
            jax="class Trainer:\n    def moved(self, device):\n        return self.to(device)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        if name == "detach":
            ctx.use("jax")
            return call("jax.lax.stop_gradient", [arg(receiver)])
        if name == "numpy":
            ctx.use("np")
            return call("np.asarray", [arg(receiver)])
        if name == "to":
            dtype = keyword(node, "dtype")
            pos = [a for a in node.args if a.keyword is None]
            if dtype is None:
                dtype = next(
                    (
                        a
                        for a in pos
                        if (dotted(a.value) or "").startswith(("jnp.", "torch.")) and not _is_device(a.value)
                    ),
                    None,
                )
            if dtype is None:
                other = [a for a in pos if not _is_device(a.value)]
                if other and isinstance(other[0].value, cst.Name) and other[0].value.value.endswith("dtype"):
                    # x.to(dtype), a variable holding a dtype (`dtype = residual.dtype`)
                    return call(cst.Attribute(value=paren(receiver), attr=cst.Name("astype")), [arg(other[0].value)])
                if other and isinstance(other[0].value, cst.Name):
                    # x.to(other_tensor): take its dtype
                    return call(
                        cst.Attribute(value=paren(receiver), attr=cst.Name("astype")),
                        [arg(cst.Attribute(value=other[0].value, attr=cst.Name("dtype")))],
                    )
                return receiver
            return call(cst.Attribute(value=paren(receiver), attr=cst.Name("astype")), [arg(dtype.value)])
        return receiver
