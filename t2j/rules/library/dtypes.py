"""dtypes and torch attributes: torch.float32 -> jnp.float32, torch.long -> jnp.int32 (JAX's default int
without x64), torch.Tensor -> jax.Array, math constants, x.data -> x."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import AttributeRule, CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, expr

DTYPES = {
    "float32": "jnp.float32",
    "float": "jnp.float32",
    "float64": "jnp.float64",
    "double": "jnp.float64",
    "float16": "jnp.float16",
    "half": "jnp.float16",
    "bfloat16": "jnp.bfloat16",
    "int64": "jnp.int32",
    "long": "jnp.int32",
    "int32": "jnp.int32",
    "int": "jnp.int32",
    "int16": "jnp.int16",
    "int8": "jnp.int8",
    "uint8": "jnp.uint8",
    "bool": "jnp.bool_",
    "complex64": "jnp.complex64",
}


@register
class Dtype(AttributeRule):
    """torch dtypes -> jnp dtypes (64-bit ints become int32, JAX's default without jax_enable_x64)."""

    targets = tuple(f"torch.{k}" for k in DTYPES)
    examples = [
        Example(
            torch="y = x.to(torch.float32) + torch.zeros(3, dtype=torch.float)",
            jax="y = x.astype(jnp.float32) + jnp.zeros(3, dtype=jnp.float32)",
            inputs={"x": [2, 3]},
        )
    ]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        ctx.use("jnp")
        return expr(DTYPES[qualname.split(".", 1)[1]])


@register
class TorchConstants(AttributeRule):
    """torch.pi/e/inf/nan, torch.Tensor (annotations, isinstance) -> jnp / jax.Array."""

    targets = (
        "torch.pi",
        "torch.e",
        "torch.inf",
        "torch.nan",
        "torch.Tensor",
        "torch.nn.Parameter",
        "torch.FloatTensor",
        "torch.LongTensor",
        "torch.Size",
        "torch.autograd.Function",
    )
    examples = [Example(torch="y = x * torch.pi", jax="y = x * jnp.pi", inputs={"x": [2]})]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        if name in ("Tensor", "Parameter", "FloatTensor", "LongTensor"):
            ctx.use("jax")
            return expr("jax.Array")
        if name == "Size":
            return expr("tuple")
        if name == "Function":
            return expr("object")
        ctx.use("jnp")
        return expr(f"jnp.{name}")


@register
class TensorData(AttributeRule):
    """`x.data` -> `x` (no autograd graph to step out of); `x.is_cuda` -> False; `x.device` stays."""

    attributes = ("data", "is_cuda")
    examples = [
        Example(torch="y = x.data * 2", jax="y = x * 2", inputs={"x": [3]}),
        Example(
            torch="loader = torch.utils.data.DataLoader(ds, batch_size=4)",
            jax="loader = NumpyLoader(ds, batch_size=4)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        if node.attr.value == "is_cuda":
            return expr("False")
        return node.value


@register
class IsTensor(CallRule):
    """`torch.is_tensor(x)` -> `isinstance(x, jax.Array)` (true for traced values under jit/grad too)."""

    targets = ("torch.is_tensor",)
    examples = [
        Example(
            torch="y = x * 2 if torch.is_tensor(x) else x",
            jax="y = x * 2 if isinstance(x, jax.Array) else x",
            inputs={"x": [3]},
        ),
        Example(
            torch="y = x if torch.is_tensor([x]) else -x",
            jax="y = x if isinstance([x], jax.Array) else -x",
            inputs={"x": [3]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if len(node.args) != 1 or node.args[0].star or (node.args[0].keyword or cst.Name("obj")).value != "obj":
            return None
        ctx.use("jax")
        return call("isinstance", [arg(node.args[0].value), arg("jax.Array")])


@register
class IsTensorValue(AttributeRule):
    """`torch.is_tensor` as a value (not called: `fn = torch.is_tensor`, `if is_tensor:`) -> a function that
    answers the same (`isinstance(obj, jax.Array)`)."""

    targets = ("torch.is_tensor",)
    examples = [
        Example(
            torch="check = torch.is_tensor\ny = x + 1 if check(x) else x",
            jax="check = (lambda obj: isinstance(obj, jax.Array))\ny = x + 1 if check(x) else x",
            inputs={"x": [3]},
        )
    ]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        ctx.use("jax")
        return expr("(lambda obj: isinstance(obj, jax.Array))")
