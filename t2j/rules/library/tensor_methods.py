"""Tensor methods: `x.view(...)`, `x.sum(dim=1)`, `x.float()`, `x.to(device)`, `x.max(dim)`, ...

A method rule applies to `<expr>.name(...)` where `<expr>` is neither `self` nor an imported module.
"""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import Example, MethodRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, expr, is_string, rename_keywords
from t2j.rules.library.tensor_functions import max_min, std_var
from t2j.rules.tensor_ops import AXIS, paren, tensor_op

DTYPE_METHODS = {
    "float": "jnp.float32",
    "double": "jnp.float64",
    "half": "jnp.float16",
    "bfloat16": "jnp.bfloat16",
    "long": "jnp.int32",
    "int": "jnp.int32",
    "short": "jnp.int16",
    "bool": "jnp.bool_",
    "byte": "jnp.uint8",
    "char": "jnp.int8",
}


@register
class ShapeMethods(MethodRule):
    """view/reshape/permute/transpose/flatten/squeeze/unsqueeze/chunk/split/gather/masked_fill/clamp/..."""

    methods = (
        "view",
        "reshape",
        "permute",
        "transpose",
        "swapaxes",
        "flatten",
        "unflatten",
        "squeeze",
        "unsqueeze",
        "chunk",
        "split",
        "unbind",
        "gather",
        "index_select",
        "clamp",
        "clip",
        "clamp_min",
        "clamp_max",
        "masked_fill",
        "topk",
        "sort",
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
        "scatter",
        "scatter_add",
        "norm",
        "softmax",
        "log_softmax",
        "sigmoid",
        "relu",
        "rsqrt",
        "erf",
        "movedim",
        "moveaxis",
        "take_along_dim",
        "sgn",
        "mv",
        "multiply",
        "divide",
        "subtract",
        "true_divide",
    )
    examples = [
        Example(
            torch="y = x.view(x.size(0), -1).permute(1, 0)",
            jax="y = jnp.transpose(x.reshape(x.shape[0], -1), (1, 0))",
            inputs={"x": [2, 3, 4]},
        ),
        Example(
            torch="y = x.transpose(1, 2).unsqueeze(1).squeeze(1)",
            jax="y = jnp.squeeze(jnp.expand_dims(jnp.swapaxes(x, 1, 2), 1), 1)",
            inputs={"x": [2, 3, 4]},
        ),
        # torch's squeeze of a dimension that is not of size 1 returns x unchanged (jnp.squeeze raises)
        Example(
            torch="y = x.squeeze(1) + x.squeeze(-1).sum()",
            jax="y = torch_squeeze(x, 1) + torch_squeeze(x, -1).sum()",
            inputs={"x": [2, 3, 1]},
        ),
        Example(
            torch="y = x.masked_fill(x > 0.5, 0.0).clamp(-1, 1)",
            jax="y = jnp.clip(jnp.where(x > 0.5, 0.0, x), min=-1, max=1)",
            inputs={"x": [3, 4]},
        ),
        Example(
            torch="y = x.flatten(1).sigmoid().pow(2)",
            jax="y = jax.nn.sigmoid(x.reshape(x.shape[0], -1)) ** 2",
            inputs={"x": [2, 3, 4]},
        ),
        Example(torch="parts = line.split(',')", jax="parts = line.split(',')", verify=False, fires=False),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        if name == "split" and node.args and is_string(node.args[0].value):
            return None  # str.split
        if name in ("add", "mul", "sub", "div") and not node.args:
            return None
        return tensor_op(name, receiver, list(node.args), ctx)


@register
class ReductionMethods(MethodRule):
    """x.sum/mean/prod/any/all/argmax/argmin/cumsum/cumprod/logsumexp/amax/amin (dim -> axis)."""

    methods = (
        "sum",
        "mean",
        "prod",
        "any",
        "all",
        "argmax",
        "argmin",
        "cumsum",
        "cumprod",
        "logsumexp",
        "amax",
        "amin",
        "nansum",
    )
    examples = [
        Example(
            torch="y = x.sum(dim=-1, keepdim=True) + x.mean(1, True)",
            jax="y = x.sum(axis=-1, keepdims=True) + x.mean(1, keepdims=True)",
            inputs={"x": [3, 4]},
        ),
        Example(torch="y = x.logsumexp(1)", jax="y = jax.scipy.special.logsumexp(x, 1)", inputs={"x": [3, 4]}),
        Example(
            torch="import numpy as np\ny = np.sum(a, axis=0)",
            jax="import numpy as np\ny = np.sum(a, axis=0)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        args = rename_keywords(node.args, {**AXIS, "dtype": "dtype"})
        pos = [a for a in args if a.keyword is None]
        if len(pos) == 2 and name not in ("cumsum", "cumprod"):
            args = [a if a is not pos[1] else arg(a.value, "keepdims") for a in args]
        if name == "logsumexp":
            ctx.use("jax")
            return call("jax.scipy.special.logsumexp", [arg(receiver)] + args)
        if name in ("nansum", "amax", "amin"):
            return call(f"jnp.{name.replace('amax', 'max').replace('amin', 'min')}", [arg(receiver)] + args)
        return call(cst.Attribute(value=paren(receiver), attr=cst.Name(name)), args)


@register
class StdVarMethods(MethodRule):
    """x.std()/x.var(): torch is unbiased by default (ddof=1)."""

    methods = ("std", "var")
    examples = [
        Example(
            torch="y = x.std(dim=1, keepdim=True)",
            jax="y = jnp.std(x, axis=1, keepdims=True, ddof=1)",
            inputs={"x": [3, 4]},
        ),
        Example(
            torch="import numpy as np\ns = np.std(a)",
            jax="import numpy as np\ns = np.std(a)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        return std_var(node, ctx, f"jnp.{name}", [arg(receiver)] + list(node.args))


@register
class MaxMinMethods(MethodRule):
    """x.max()/x.min(): value; with a dim: (values, indices); with a tensor: elementwise."""

    methods = ("max", "min")
    examples = [
        Example(
            torch="y, i = x.max(dim=1)", jax="y, i = (jnp.max(x, axis=1), jnp.argmax(x, axis=1))", inputs={"x": [3, 4]}
        ),
        Example(
            torch="import numpy as np\nm = np.max(a)",
            jax="import numpy as np\nm = np.max(a)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        return max_min(name, [arg(receiver)] + list(node.args), ctx)


@register
class SizeMethods(MethodRule):
    """x.size() -> x.shape, x.size(d) -> x.shape[d], x.dim()/ndimension() -> x.ndim, x.nelement() -> x.size."""

    methods = ("size", "dim", "ndimension", "nelement")
    examples = [
        Example(
            torch="y = x.reshape(x.size(0), x.size()[1] * x.dim() // 2)",
            jax="y = x.reshape(x.shape[0], x.shape[1] * x.ndim // 2)",
            inputs={"x": [2, 3]},
        ),
        Example(
            torch="import numpy as np\nn = np.size(a)",
            jax="import numpy as np\nn = np.size(a)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        r = paren(receiver)
        if name in ("dim", "ndimension"):
            return cst.Attribute(value=r, attr=cst.Name("ndim"))
        if name == "nelement":
            return cst.Attribute(value=r, attr=cst.Name("size"))
        shape = cst.Attribute(value=r, attr=cst.Name("shape"))
        if not node.args:
            return shape
        d = node.args[0].value
        return cst.Subscript(value=shape, slice=[cst.SubscriptElement(cst.Index(d))])


@register
class ElementwiseMethods(MethodRule):
    """x.exp()/log()/sqrt()/abs()/tanh()/... -> jnp.<op>(x) (jax arrays have no such methods)."""

    NAMES = {
        "exp": "jnp.exp",
        "log": "jnp.log",
        "log1p": "jnp.log1p",
        "log2": "jnp.log2",
        "sqrt": "jnp.sqrt",
        "abs": "jnp.abs",
        "tanh": "jnp.tanh",
        "sin": "jnp.sin",
        "cos": "jnp.cos",
        "floor": "jnp.floor",
        "ceil": "jnp.ceil",
        "sign": "jnp.sign",
        "neg": "jnp.negative",
        "square": "jnp.square",
        "reciprocal": "jnp.reciprocal",
        "isnan": "jnp.isnan",
        "isinf": "jnp.isinf",
        "expm1": "jnp.expm1",
        "logical_not": "jnp.logical_not",
        "tril": "jnp.tril",
        "triu": "jnp.triu",
        "flip": "jnp.flip",
        "exp2": "jnp.exp2",
        "trunc": "jnp.trunc",
        "frac": None,
        "outer": "jnp.outer",
        "dot": "jnp.dot",
        "matmul": "jnp.matmul",
        "mm": "jnp.matmul",
        "bmm": "jnp.matmul",
        "eq": "jnp.equal",
        "ne": "jnp.not_equal",
        "gt": "jnp.greater",
        "lt": "jnp.less",
        "ge": "jnp.greater_equal",
        "le": "jnp.less_equal",
        "maximum": "jnp.maximum",
        "minimum": "jnp.minimum",
        "isfinite": "jnp.isfinite",
        "fmod": "jnp.fmod",
        "remainder": "jnp.remainder",
        "diag": "jnp.diag",
        "tile": "jnp.tile",
        "argsort": "jnp.argsort",
        "nonzero": "jnp.nonzero",
        "round": "jnp.round",
        "logical_and": "jnp.logical_and",
        "logical_or": "jnp.logical_or",
        "atan": "jnp.arctan",
        "erf": "jax.scipy.special.erf",
        "lerp": None,
    }
    methods = tuple(k for k, v in NAMES.items() if v)
    examples = [
        Example(
            torch="y = x.abs().sqrt().exp() + x.tanh().matmul(x.T)",
            jax="y = jnp.exp(jnp.sqrt(jnp.abs(x))) + jnp.matmul(jnp.tanh(x), x.T)",
            inputs={"x": [3, 3]},
        ),
        Example(
            torch="import math\ny = math.exp(v) + math.floor(v)",
            jax="import math\ny = math.exp(v) + math.floor(v)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        callee = self.NAMES[name]
        ctx.use(callee.split(".")[0])
        args = rename_keywords(node.args, {"dims": "axis", **AXIS, "diagonal": "k", "descending": "descending"})
        return call(callee, [arg(receiver)] + args)


@register
class ViewAs(MethodRule):
    """x.view_as(y) / x.reshape_as(y) -> x.reshape(y.shape)."""

    methods = ("view_as", "reshape_as")
    examples = [
        Example(
            torch="y = x.view_as(x.t()) + x.reshape(4, 2).reshape_as(x.t())",
            jax="y = x.reshape(x.T.shape) + x.reshape(4, 2).reshape(x.T.shape)",
            inputs={"x": [2, 4]},
        ),
        Example(  # a method of the user's own class
            torch="class Grid:\n    def like(self, other):\n        return self.view_as(other)",
            jax="class Grid:\n    def like(self, other):\n        return self.view_as(other)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        if len(node.args) != 1 or node.args[0].keyword is not None:
            return None
        shape = cst.Attribute(value=paren(node.args[0].value), attr=cst.Name("shape"))
        return call(cst.Attribute(value=paren(receiver), attr=cst.Name("reshape")), [arg(shape)])


@register
class ExpandRepeat(MethodRule):
    """x.expand(...) (-1 keeps a size) / expand_as(y) / repeat(...) -> broadcast_to / tile."""

    methods = (
        "expand",
        "expand_as",
        "repeat",
        "new_zeros",
        "new_ones",
        "new_full",
        "new_tensor",
        "new_empty",
        "zero_",
        "fill_",
    )
    examples = [
        Example(
            torch="y = x.unsqueeze(0).expand(3, -1, -1) + x.repeat(3, 1, 1)",
            jax="y = torch_expand(jnp.expand_dims(x, 0), 3, -1, -1) + jnp.tile(x, (3, 1, 1))",
            inputs={"x": [2, 4]},
        ),
        Example(
            torch="import numpy as np\nr = np.repeat(a, 3)",
            jax="import numpy as np\nr = np.repeat(a, 3)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        ctx.use("jnp")
        args = list(node.args)
        if name == "expand":
            return call(ctx.helper("torch_expand"), [arg(receiver)] + args)
        if name == "expand_as":
            return call(
                "jnp.broadcast_to",
                [arg(receiver), arg(cst.Attribute(value=paren(args[0].value), attr=cst.Name("shape")))],
            )
        dtype = cst.Attribute(value=paren(receiver), attr=cst.Name("dtype"))
        if name in ("new_zeros", "new_ones", "new_empty", "new_full"):
            pos = [a for a in args if a.keyword is None]
            if name == "new_full":
                shape, fill = pos[0].value, pos[1].value
                return call("jnp.full", [arg(shape), arg(fill), arg(dtype, "dtype")])
            shape = pos[0].value if len(pos) == 1 else cst.Tuple([cst.Element(a.value) for a in pos])
            fn = "jnp.ones" if name == "new_ones" else "jnp.zeros"
            return call(fn, [arg(shape), arg(dtype, "dtype")])
        if name == "new_tensor":
            return call("jnp.asarray", [arg(args[0].value), arg(dtype, "dtype")])
        if name == "zero_":
            return call("jnp.zeros_like", [arg(receiver)])
        if name == "fill_":
            return call("jnp.full_like", [arg(receiver), arg(args[0].value)])
        # repeat
        pos = [a for a in args if a.keyword is None]
        reps = (
            pos[0].value
            if len(pos) == 1 and not pos[0].star
            else cst.Tuple([cst.Element(a.value) if not a.star else cst.StarredElement(a.value) for a in pos])
        )
        return call("jnp.tile", [arg(receiver), arg(reps)])


@register
class ItemMethods(MethodRule):
    """x.item()/x.tolist() keep working on jax arrays; x.data_ptr()/x.is_contiguous() are meaningless."""

    methods = ("is_contiguous",)
    examples = [
        Example(torch="y = x * x.is_contiguous()", jax="y = x * True", inputs={"x": [3]}),
        Example(
            torch="class Buffer:\n    def ready(self):\n        return self.is_contiguous()",
            jax="class Buffer:\n    def ready(self):\n        return self.is_contiguous()",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        return expr("True")
