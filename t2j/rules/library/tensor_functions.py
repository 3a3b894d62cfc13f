"""torch.* tensor functions -> jax.numpy (dim -> axis, keepdim -> keepdims, torch's defaults kept)."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, expr, keyword, rename_keywords
from t2j.rules.tensor_ops import AXIS

DROP = {
    "device": None,
    "requires_grad": None,
    "pin_memory": None,
    "layout": None,
    "memory_format": None,
    "generator": None,
}


def _first_input(node: cst.Call) -> list[cst.Arg]:
    """Args with a keyword `input=` moved to the front as a positional argument."""
    inp = keyword(node, "input")
    args = [a for a in node.args if a is not inp]
    if inp is not None:
        args = [arg(inp.value)] + args
    return args


class MapFunction(CallRule):
    """Declarative one-to-one mapping: `targets` -> `callee`, keyword renames in `renames`."""

    abstract = True
    callee = ""
    renames: dict = {}

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        ctx.use(self.callee.split(".")[0])
        args = rename_keywords(_first_input(node), {**AXIS, **DROP, **self.renames})
        return call(self.callee, args)


@register
class Elementwise(MapFunction):
    """Elementwise math with the same name in jax.numpy (exp, log, sin, tanh, abs, floor, ...)."""

    targets = tuple(
        f"torch.{n}"
        for n in (
            "exp",
            "log",
            "log2",
            "log10",
            "log1p",
            "expm1",
            "sin",
            "cos",
            "tan",
            "sinh",
            "cosh",
            "tanh",
            "arcsin",
            "arccos",
            "arctan",
            "asin",
            "acos",
            "atan",
            "atan2",
            "abs",
            "floor",
            "ceil",
            "trunc",
            "sign",
            "sqrt",
            "square",
            "reciprocal",
            "isnan",
            "isinf",
            "isfinite",
            "logical_and",
            "logical_or",
            "logical_not",
            "logical_xor",
            "maximum",
            "minimum",
            "fmod",
            "remainder",
            "exp2",
            "hypot",
            "sinc",
            "deg2rad",
            "rad2deg",
            "heaviside",
            "nan_to_num",
            "signbit",
            "real",
            "imag",
            "conj",
            "angle",
            "neg",
            "negative",
            "positive",
            "floor_divide",
            "true_divide",
            "equal",
            "eq",
            "ne",
            "gt",
            "lt",
            "ge",
            "le",
            "greater",
            "less",
            "bitwise_and",
            "bitwise_or",
            "bitwise_not",
            "bitwise_xor",
            "isclose",
            "allclose",
            "outer",
            "kron",
            "dot",
            "inner",
            "cross",
            "diag",
            "diagonal",
            "trace",
            "tril",
            "triu",
            "flip",
            "fliplr",
            "flipud",
            "rot90",
            "meshgrid",
            "broadcast_to",
            "cumprod",
            "diff",
            "atleast_1d",
            "atleast_2d",
            "atleast_3d",
            "zeros_like",
            "ones_like",
            "full_like",
            "empty_like",
            "clip",
            "round",
            "where",
            "count_nonzero",
            "argsort",
            "unique",
            "searchsorted",
            "bucketize",
            "tensordot",
            "vstack",
            "hstack",
            "dstack",
            "column_stack",
            "copysign",
            "lerp",
            "logaddexp",
            "float_power",
            "frac",
            "fix",
            "ravel",
            "nonzero",
            "histc",
            "bincount",
            "polar",
            "complex",
            "cov",
            "corrcoef",
            "vander",
            "matrix_power",
        )
    )
    examples = [
        Example(torch="y = torch.exp(x) + torch.abs(x)", jax="y = jnp.exp(x) + jnp.abs(x)", inputs={"x": [4, 8]}),
        Example(
            torch="y = torch.tril(torch.ones(4, 4)) * x", jax="y = jnp.tril(jnp.ones((4, 4))) * x", inputs={"x": [4, 4]}
        ),
        Example(
            torch="gy, gx = torch.meshgrid([torch.arange(3), torch.arange(4)], indexing='ij')\ny = x * gy + gx",
            jax="gy, gx = jnp.meshgrid(jnp.arange(3), jnp.arange(4), indexing='ij')\ny = x * gy + gx",
            inputs={"x": [3, 4]},
        ),
        Example(
            torch="y = torch.where(x > 0, x, torch.zeros_like(x))",
            jax="y = jnp.where(x > 0, x, jnp.zeros_like(x))",
            inputs={"x": [3, 5]},
        ),
    ]
    NAMES = {
        "asin": "arcsin",
        "acos": "arccos",
        "atan": "arctan",
        "neg": "negative",
        "eq": "equal",
        "ne": "not_equal",
        "gt": "greater",
        "lt": "less",
        "ge": "greater_equal",
        "le": "less_equal",
        "clip": "clip",
        "fix": "fix",
        "frac": None,
        "true_divide": "true_divide",
        "bitwise_not": "invert",
        "matrix_power": "linalg.matrix_power",
        "histc": "histogram",
        "equal": "array_equal",
        "bucketize": "digitize",
    }

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.split(".", 1)[1]
        target = self.NAMES.get(name, name)
        if target is None:
            return None
        ctx.use("jnp")
        if name == "equal":
            return call("jnp.array_equal", rename_keywords(_first_input(node), AXIS))
        if name == "flip":
            args = rename_keywords(_first_input(node), {"dims": "axis", **AXIS})
            return call("jnp.flip", args)
        if name in ("meshgrid",):
            args = [a for a in node.args if not (a.keyword and a.keyword.value == "indexing")]
            if len(args) == 1 and not args[0].star and isinstance(args[0].value, (cst.List, cst.Tuple)):
                # torch.meshgrid([h, w]) takes the tensors as one sequence; jnp.meshgrid only one by one
                args = [arg(el.value) for el in args[0].value.elements]
            ind = keyword(node, "indexing")
            return call("jnp.meshgrid", args + [arg(ind.value if ind else expr('"ij"'), "indexing")])
        args = rename_keywords(_first_input(node), {**AXIS, **DROP, "diagonal": "k", "dims": "axis"})
        args = [
            a.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
            if a.keyword is not None and a.keyword.value == "other"
            else a
            for a in args
        ]
        return call(f"jnp.{target}", args)


@register
class Reductions(MapFunction):
    """torch.sum/mean/prod/amax/amin/argmax/argmin/all/any/cumsum/logsumexp: dim -> axis, keepdim -> keepdims."""

    targets = tuple(
        f"torch.{n}"
        for n in (
            "sum",
            "mean",
            "prod",
            "amax",
            "amin",
            "argmax",
            "argmin",
            "all",
            "any",
            "cumsum",
            "nansum",
            "nanmean",
            "median",
            "logsumexp",
            "count_nonzero",
        )
    )
    examples = [
        Example(
            torch="y = torch.sum(x, dim=1, keepdim=True)",
            jax="y = jnp.sum(x, axis=1, keepdims=True)",
            inputs={"x": [4, 8]},
        ),
        Example(
            torch="y = torch.logsumexp(x, dim=-1)",
            jax="y = jax.scipy.special.logsumexp(x, axis=-1)",
            inputs={"x": [4, 8]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.split(".", 1)[1]
        args = rename_keywords(_first_input(node), {**AXIS, **DROP, "dtype": "dtype"})
        if name == "logsumexp":
            ctx.use("jax")
            return call("jax.scipy.special.logsumexp", args)
        if name == "median":
            return None  # torch.median returns the lower middle value and indices
        ctx.use("jnp")
        return call(f"jnp.{name}", args)


@register
class StdVar(CallRule):
    """torch.std/var: unbiased by default (ddof=1), `unbiased=False` / `correction=c` -> ddof."""

    targets = ("torch.std", "torch.var")
    examples = [
        Example(torch="y = torch.std(x, dim=0)", jax="y = jnp.std(x, axis=0, ddof=1)", inputs={"x": [6, 5]}),
        Example(torch="y = torch.var(x, 1, unbiased=False)", jax="y = jnp.var(x, 1, ddof=0)", inputs={"x": [6, 5]}),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        return std_var(node, ctx, f"jnp.{qualname.rsplit('.', 1)[1]}", _first_input(node))


def std_var(node, ctx, callee, args):
    ddof = "1"
    out = []
    for a in args:
        if a.keyword is not None and a.keyword.value == "unbiased":
            ddof = "1" if cst_truthy(a.value) else "0"
            continue
        if a.keyword is not None and a.keyword.value == "correction":
            ddof = None
            out.append(a.with_changes(keyword=cst.Name("ddof")))
            continue
        out.append(a)
    pos = [a for a in out if a.keyword is None]
    if len(pos) >= 3 and ddof is not None:  # std(x, dim, unbiased, keepdim) positional form
        unb = pos[2]
        ddof = "1" if cst_truthy(unb.value) else "0"
        out = [a for a in out if a is not unb]
    out = rename_keywords(out, AXIS)
    if ddof is not None:
        out.append(arg(ddof, "ddof"))
    ctx.use("jnp")
    return call(callee, out)


def cst_truthy(node) -> bool:
    return not (isinstance(node, cst.Name) and node.value in ("False", "None")) and not (
        isinstance(node, cst.Integer) and node.value == "0"
    )


@register
class MaxMin(CallRule):
    """torch.max/min: of one tensor (a value), along a dim ((values, indices)), or of two (elementwise)."""

    targets = ("torch.max", "torch.min")
    examples = [
        Example(torch="y = torch.max(x)", jax="y = jnp.max(x)", inputs={"x": [4, 8]}),
        Example(
            torch="y = torch.max(x, dim=1)[0]",
            jax="y = (jnp.max(x, axis=1), jnp.argmax(x, axis=1))[0]",
            inputs={"x": [4, 8]},
        ),
        Example(torch="y = torch.min(x, z)", jax="y = jnp.minimum(x, z)", inputs={"x": [4, 8], "z": [4, 8]}),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        kind = qualname.rsplit(".", 1)[1]
        return max_min(kind, _first_input(node), ctx)


def max_min(kind: str, args: list[cst.Arg], ctx) -> cst.BaseExpression:
    ctx.use("jnp")
    pos = [a for a in args if a.keyword is None]
    kws = {a.keyword.value: a for a in args if a.keyword is not None}
    other = kws.get("other")
    if other is not None or (len(pos) == 2 and not _looks_like_dim(pos[1].value)):
        second = other.value if other is not None else pos[1].value
        return call(f"jnp.{'maximum' if kind == 'max' else 'minimum'}", [arg(pos[0].value), arg(second)])
    dim = kws["dim"].value if "dim" in kws else (pos[1].value if len(pos) > 1 else None)
    if dim is None:
        return call(f"jnp.{kind}", [arg(pos[0].value)])
    keep = kws.get("keepdim") or (pos[2] if len(pos) > 2 else None)
    extra = [arg(keep.value, "keepdims")] if keep is not None else []
    values = call(f"jnp.{kind}", [arg(pos[0].value), arg(dim, "axis")] + extra)
    indices = call(f"jnp.arg{kind}", [arg(pos[0].value), arg(dim, "axis")] + extra)
    return cst.Tuple(elements=[cst.Element(values), cst.Element(indices)])


def _looks_like_dim(node) -> bool:
    if isinstance(node, cst.Integer):
        return True
    if isinstance(node, cst.UnaryOperation) and isinstance(node.expression, cst.Integer):
        return True
    return False


@register
class MatMul(CallRule):
    """torch.matmul/mm/bmm -> `@`-compatible jnp.matmul; einsum as is; addmm/baddbmm expanded."""

    targets = (
        "torch.matmul",
        "torch.mm",
        "torch.bmm",
        "torch.einsum",
        "torch.addmm",
        "torch.baddbmm",
        "torch.mv",
        "torch.addmv",
    )
    examples = [
        Example(
            torch="y = torch.bmm(x, x.transpose(1, 2))",
            jax="y = jnp.matmul(x, jnp.swapaxes(x, 1, 2))",
            inputs={"x": [2, 3, 4]},
        ),
        Example(
            torch="y = torch.einsum('bij,bkj->bik', x, x)",
            jax="y = jnp.einsum('bij,bkj->bik', x, x)",
            inputs={"x": [2, 3, 4]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        ctx.use("jnp")
        if name == "einsum":
            return call("jnp.einsum", node.args)
        if name in ("addmm", "baddbmm", "addmv"):
            b = bind(
                node,
                [
                    "input",
                    "batch1" if name == "baddbmm" else "mat1",
                    "batch2" if name == "baddbmm" else ("mat2" if name == "addmm" else "vec"),
                    "beta",
                    "alpha",
                ],
            )
            if b is None:
                b = bind(node, ["input", "mat1", "mat2", "beta", "alpha"])
            if b is None:
                return None
            vals = list(b.values())
            inp, m1, m2 = vals[0], vals[1], vals[2]
            beta, alpha = b.get("beta"), b.get("alpha")
            prod = call("jnp.matmul", [arg(m1), arg(m2)])
            left = inp if beta is None else cst.BinaryOperation(beta, cst.Multiply(), inp)
            right = prod if alpha is None else cst.BinaryOperation(alpha, cst.Multiply(), prod)
            return cst.BinaryOperation(left, cst.Add(), right)
        return call("jnp.matmul", rename_keywords(_first_input(node), {"other": None, "mat2": None, "vec": None}))


@register
class NoOpFunctions(CallRule):
    """torch.manual_seed is handled with randomness; torch.set_grad_enabled/cuda.* are environment calls."""

    targets = ("torch.cuda.is_available", "torch.cuda.device_count", "torch.backends.mps.is_available")
    examples = [Example(torch="use_cuda = torch.cuda.is_available()", jax="use_cuda = False", verify=False)]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if qualname.endswith("device_count"):
            return expr("0")
        return expr("False")


@register
class Device(CallRule):
    """torch.device(...) -> None (arrays live where JAX puts them)."""

    targets = ("torch.device",)
    examples = [Example(torch="device = torch.device('cpu')", jax="device = None", verify=False)]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        return expr("None")
