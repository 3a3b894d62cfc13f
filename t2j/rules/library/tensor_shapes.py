"""torch.* functions that build and reshape tensors -> jax.numpy: creation (zeros, arange, ...), cat/stack, reshape/permute/flatten."""

from __future__ import annotations


import libcst as cst

from t2j.rules.base import CallRule, Example, Tensor, register
from t2j.rules.context import Context
from t2j.rules.library.tensor_functions import DROP, _first_input
from t2j.rules.cstutil import arg, call, positional, rename_keywords, shape_args
from t2j.rules.tensor_ops import AXIS, tensor_op


@register
class Creation(CallRule):
    """torch.zeros/ones/empty/full/eye/arange/linspace/tensor/as_tensor/from_numpy -> jnp (shape varargs
    become a tuple, device/requires_grad dropped)."""

    targets = (
        "torch.zeros",
        "torch.ones",
        "torch.empty",
        "torch.full",
        "torch.eye",
        "torch.arange",
        "torch.linspace",
        "torch.logspace",
        "torch.tensor",
        "torch.as_tensor",
        "torch.from_numpy",
        "torch.Tensor",
        "torch.FloatTensor",
        "torch.LongTensor",
    )
    examples = [
        Example(
            torch="y = x + torch.ones(4, 8) * torch.arange(8)",
            jax="y = x + jnp.ones((4, 8)) * jnp.arange(8)",
            inputs={"x": [4, 8]},
        ),
        Example(
            torch="y = x * torch.tensor([1.0, 2.0, 3.0], device=x.device)",
            jax="y = x * jnp.asarray([1.0, 2.0, 3.0])",
            inputs={"x": [2, 3]},
        ),
        Example(
            torch="y = torch.full((2, 3), 0.5) + torch.linspace(0, 1, 3) + x",
            jax="y = jnp.full((2, 3), 0.5) + jnp.linspace(0, 1, 3) + x",
            inputs={"x": [2, 3]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        ctx.use("jnp")
        if name in ("zeros", "ones", "empty"):
            shape, rest = shape_args(node)
            if shape is None:
                return None
            callee = "jnp.zeros" if name == "empty" else f"jnp.{name}"
            return call(callee, [arg(shape)] + rename_keywords(rest, DROP))
        if name in ("tensor", "as_tensor", "from_numpy", "Tensor", "FloatTensor", "LongTensor"):
            args = rename_keywords(node.args, {**DROP, "data": None})
            if name == "FloatTensor":
                args = args + [arg("jnp.float32", "dtype")]
            if name == "LongTensor":
                args = args + [arg("jnp.int32", "dtype")]
            if name == "Tensor":
                pos = positional(node)
                if pos and not isinstance(pos[0].value, (cst.List, cst.Tuple, cst.Name)):
                    shape, _ = shape_args(node)
                    return call("jnp.zeros", [arg(shape)]) if shape is not None else None
            return call("jnp.asarray", args)
        if name == "linspace":
            args = rename_keywords(node.args, {**DROP, "steps": "num"})
            return call("jnp.linspace", args)
        if name == "logspace":
            args = rename_keywords(node.args, {**DROP, "steps": "num"})
            return call("jnp.logspace", args)
        if name == "eye":
            return call("jnp.eye", rename_keywords(node.args, DROP))
        if name == "full":
            args = rename_keywords(node.args, {**DROP, "size": "shape"})
            return call("jnp.full", args)
        return call(f"jnp.{name}", rename_keywords(node.args, {**DROP, "end": "stop"}))


@register
class CatStack(CallRule):
    """torch.cat/concat/concatenate/stack (dim -> axis)."""

    targets = ("torch.cat", "torch.concat", "torch.concatenate", "torch.stack")
    examples = [
        Example(
            torch="y = torch.cat([x, x * 2], dim=1)",
            jax="y = jnp.concatenate([x, x * 2], axis=1)",
            inputs={"x": [2, 3]},
        ),
        Example(torch="y = torch.stack((x, x), -1)", jax="y = jnp.stack((x, x), -1)", inputs={"x": [2, 3]}),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        ctx.use("jnp")
        callee = "jnp.stack" if qualname.endswith("stack") else "jnp.concatenate"
        return call(callee, rename_keywords(node.args, {**AXIS, "tensors": None}))


@register
class ShapeFunctions(CallRule):
    """torch.reshape/transpose/permute/flatten/squeeze/unsqueeze/chunk/split/gather/index_select/clamp/..."""

    targets = tuple(
        f"torch.{n}"
        for n in (
            "reshape",
            "transpose",
            "swapaxes",
            "permute",
            "flatten",
            "squeeze",
            "unsqueeze",
            "chunk",
            "split",
            "gather",
            "index_select",
            "clamp",
            "clamp_min",
            "clamp_max",
            "masked_fill",
            "topk",
            "sort",
            "unbind",
            "repeat_interleave",
            "roll",
            "narrow",
            "numel",
            "t",
            "pow",
            "mul",
            "add",
            "sub",
            "div",
            "multiply",
            "divide",
            "subtract",
            "scatter",
            "scatter_add",
            "norm",
            "cdist",
            "sigmoid",
            "relu",
            "rsqrt",
            "erf",
            "erfc",
            "erfinv",
            "softmax",
            "log_softmax",
            "lgamma",
            "digamma",
            "tile",
            "take_along_dim",
            "cosine_similarity",
            "movedim",
            "moveaxis",
            "unflatten",
            "cummax",
            "argwhere",
            "is_tensor",
            "numel",
            "dropout",
            "sgn",
            "mv",
        )
    )
    examples = [
        Example(
            torch="y = torch.flatten(torch.transpose(x, 0, 1), 1)",
            jax="y = torch_flatten(jnp.swapaxes(x, 0, 1), 1)",
            inputs={"x": [2, 3, 4]},
        ),
        Example(
            torch="y = torch.clamp(torch.gather(x, 1, i), min=-0.5)",
            jax="y = jnp.clip(jnp.take_along_axis(x, i, axis=1), min=-0.5)",
            inputs={"x": [3, 5], "i": Tensor(shape=[3, 2], dtype="int64", high=5)},
        ),
        Example(
            torch="a, b = torch.chunk(x, 2, dim=-1)\ny = a * torch.sigmoid(b)",
            jax="a, b = torch_chunk(x, 2, dim=-1)\ny = a * jax.nn.sigmoid(b)",
            inputs={"x": [3, 6]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        args = _first_input(node)
        if not args:
            return None
        x = args[0].value
        rest = args[1:]
        return tensor_op(name, x, rest, ctx)


@register
class DtypeInfo(CallRule):
    """torch.finfo/iinfo(dtype) -> jnp.finfo/iinfo(dtype): the same eps/min/max/tiny/bits fields; a bare
    torch.finfo() means torch's default dtype, float32."""

    targets = ("torch.finfo", "torch.iinfo")
    examples = [
        Example(
            torch="y = x.clamp(min=torch.finfo(x.dtype).eps) + torch.finfo(torch.float32).tiny",
            jax="y = jnp.clip(x, min=jnp.finfo(x.dtype).eps) + jnp.finfo(jnp.float32).tiny",
            inputs={"x": [3, 4]},
        ),
        Example(
            torch="y = x.clamp(max=torch.finfo().max / 2)",
            jax="y = jnp.clip(x, max=jnp.finfo(jnp.float32).max / 2)",
            inputs={"x": [3, 4]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        ctx.use("jnp")
        name = qualname.rsplit(".", 1)[1]
        args = [arg(a.value) for a in node.args if a.keyword is None or a.keyword.value == "type"]
        if len(args) != len(node.args):
            return None
        if not args:
            if name == "iinfo":
                return None  # torch.iinfo needs its dtype
            args = [arg("jnp.float32")]
        if len(args) != 1:
            return None
        return call(f"jnp.{name}", args)
