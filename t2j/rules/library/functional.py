"""torch.nn.functional (non-activation) and stateless nn layers: pooling, interpolation, padding,
normalization, conv, linear, dropout, attention, one_hot, flatten/identity."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, Tensor, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, expr, rename_keywords
from t2j.rules.library.attention import drops_attention

POOL_MODULE = {  # nn module -> (helper, ndim, torch parameter order)
    "MaxPool1d": ("torch_max_pool", 1),
    "MaxPool2d": ("torch_max_pool", 2),
    "MaxPool3d": ("torch_max_pool", 3),
    "AvgPool1d": ("torch_avg_pool", 1),
    "AvgPool2d": ("torch_avg_pool", 2),
    "AvgPool3d": ("torch_avg_pool", 3),
    "AdaptiveAvgPool1d": ("torch_adaptive_avg_pool", 1),
    "AdaptiveAvgPool2d": ("torch_adaptive_avg_pool", 2),
    "AdaptiveAvgPool3d": ("torch_adaptive_avg_pool", 3),
    "AdaptiveMaxPool1d": ("torch_adaptive_max_pool", 1),
    "AdaptiveMaxPool2d": ("torch_adaptive_max_pool", 2),
    "AdaptiveMaxPool3d": ("torch_adaptive_max_pool", 3),
}
MODULE_PARAMS = {
    "torch_max_pool": ["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"],
    "torch_avg_pool": ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"],
    "torch_adaptive_avg_pool": ["output_size"],
    "torch_adaptive_max_pool": ["output_size", "return_indices"],
}
FUNCTION_PARAMS = {
    "torch_max_pool": ["input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"],
    "torch_avg_pool": [
        "input",
        "kernel_size",
        "stride",
        "padding",
        "ceil_mode",
        "count_include_pad",
        "divisor_override",
    ],
    "torch_adaptive_avg_pool": ["input", "output_size"],
    "torch_adaptive_max_pool": ["input", "output_size", "return_indices"],
}


def _partial(ctx, fn: cst.BaseExpression, kwargs: dict) -> cst.Call:
    ctx.use("functools")
    return call("functools.partial", [arg(fn)] + [arg(v, k) for k, v in kwargs.items()])


def _is_false(node) -> bool:
    return node is None or (isinstance(node, cst.Name) and node.value in ("False", "None"))


def _all_ones(size, nd: int) -> bool:
    """An adaptive output size of 1 in every pooled dimension (1, (1, 1), [1, 1, 1])."""
    if isinstance(size, cst.Integer):
        return size.value == "1"
    if isinstance(size, (cst.Tuple, cst.List)) and len(size.elements) == nd:
        return all(isinstance(e.value, cst.Integer) and e.value.value == "1" for e in size.elements)
    return False


def _axes(nd: int) -> cst.BaseExpression:
    return expr("(" + ", ".join(str(-i) for i in range(nd, 0, -1)) + (",)" if nd == 1 else ")"))


def global_mean(x: cst.BaseExpression, nd: int, ctx) -> cst.Call:
    """Adaptive average pooling to size 1: the mean over the pooled (trailing) axes, kept as size-1 axes."""
    ctx.use("jnp")
    return call("jnp.mean", [arg(x), arg(_axes(nd), "axis"), arg("True", "keepdims")])


@register
class PoolModules(CallRule):
    """nn.MaxPool2d/AvgPool2d/AdaptiveAvgPool2d/... -> functools.partial of an emitted torch-semantics pool
    (ceil_mode, padding, count_include_pad, uneven adaptive bins as torch)."""

    targets = tuple(f"torch.nn.{n}" for n in POOL_MODULE)
    examples = [
        Example(
            torch="self.pool = nn.MaxPool2d(2)\ny = self.pool(x)",
            jax="self.pool = functools.partial(torch_max_pool, kernel_size=2, ndim=2)\ny = self.pool(x)",
            inputs={"x": [2, 3, 8, 8]},
        ),
        Example(  # dilation: JAX's max pool has no gradient of its own there; the helper routes it as torch does
            torch="self.pool = nn.MaxPool1d(3, stride=2, padding=1, dilation=2)\ny = self.pool(x)",
            jax="self.pool = functools.partial(torch_max_pool, kernel_size=3, stride=2, padding=1, dilation=2, ndim=1)\n"
            "y = self.pool(x)",
            inputs={"x": [2, 3, 16]},
        ),
        Example(
            torch="self.pool = nn.AdaptiveAvgPool2d((1, 1))\ny = self.pool(x)",
            jax="self.pool = functools.partial(jnp.mean, axis=(-2, -1), keepdims=True)\ny = self.pool(x)",
            inputs={"x": [2, 3, 7, 5]},
        ),
        Example(
            torch="self.pool = nn.AdaptiveAvgPool2d((3, 2))\ny = self.pool(x)",
            jax="self.pool = functools.partial(torch_adaptive_avg_pool, output_size=(3, 2), ndim=2)\ny = self.pool(x)",
            inputs={"x": [2, 3, 7, 5]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        helper, nd = POOL_MODULE[qualname.rsplit(".", 1)[1]]
        b = bind(node, MODULE_PARAMS[helper])
        if b is None or not _is_false(b.get("return_indices")):
            return None
        b.pop("return_indices", None)
        if helper == "torch_adaptive_avg_pool" and _all_ones(b.get("output_size"), nd):
            return _partial(ctx, expr("jnp.mean"), {"axis": _axes(nd), "keepdims": expr("True")})
        return _partial(ctx, ctx.helper(helper), {**b, "ndim": expr(str(nd))})


@register
class PoolFunctions(CallRule):
    """F.max_pool2d/avg_pool2d/adaptive_avg_pool2d/... -> emitted torch-semantics pools."""

    targets = tuple(
        f"torch.nn.functional.{p}{k}{d}d" for p in ("max_pool", "avg_pool") for k in ("",) for d in (1, 2, 3)
    ) + tuple(f"torch.nn.functional.adaptive_{p}_pool{d}d" for p in ("avg", "max") for d in (1, 2, 3))
    examples = [
        Example(
            torch="y = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)",
            jax="y = torch_avg_pool(x, 3, stride=2, padding=1, count_include_pad=False, ndim=2)",
            inputs={"x": [2, 3, 8, 8]},
        ),
        Example(
            torch="y = F.adaptive_avg_pool2d(x, 1).flatten(1)",
            jax="y = jnp.mean(x, axis=(-2, -1)).reshape(x.shape[0], -1)",
            inputs={"x": [2, 3, 5, 5]},
        ),
        Example(
            torch="y = F.adaptive_avg_pool1d(x, (2,))",
            jax="y = torch_adaptive_avg_pool(x, (2,), ndim=1)",
            inputs={"x": [2, 3, 5]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        nd = int(name[-2])
        helper = {
            "max_pool": "torch_max_pool",
            "avg_pool": "torch_avg_pool",
            "adaptive_avg_pool": "torch_adaptive_avg_pool",
            "adaptive_max_pool": "torch_adaptive_max_pool",
        }[name[:-2]]  # name[:-2]: without "2d"
        b = bind(node, FUNCTION_PARAMS[helper])
        if b is None or not _is_false(b.get("return_indices")):
            return None
        if helper == "torch_adaptive_avg_pool" and "input" in b and _all_ones(b.get("output_size"), nd):
            return global_mean(b["input"], nd, ctx)
        args = [a for a in node.args if not (a.keyword and a.keyword.value == "return_indices")]
        return call(ctx.helper(helper), args + [arg(str(nd), "ndim")])


@register
class Interpolate(CallRule):
    """F.interpolate / nn.Upsample / F.upsample: nearest, (bi/tri)linear with align_corners as torch."""

    targets = (
        "torch.nn.functional.interpolate",
        "torch.nn.functional.upsample",
        "torch.nn.Upsample",
        "torch.nn.UpsamplingNearest2d",
        "torch.nn.UpsamplingBilinear2d",
    )
    examples = [
        Example(
            torch="y = F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)",
            jax="y = torch_interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)",
            inputs={"x": [2, 3, 4, 5]},
        ),
        Example(
            torch="self.up = nn.Upsample(scale_factor=2)\ny = self.up(x)",
            jax="self.up = functools.partial(torch_interpolate, scale_factor=2)\ny = self.up(x)",
            inputs={"x": [2, 3, 4, 5]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        fn = ctx.helper("torch_interpolate")
        name = qualname.rsplit(".", 1)[1]
        if name in ("interpolate", "upsample"):
            return call(fn, node.args)
        b = bind(node, ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"])
        if b is None:
            return None
        if name == "UpsamplingNearest2d":
            b["mode"] = expr("'nearest'")
        if name == "UpsamplingBilinear2d":
            b["mode"], b["align_corners"] = expr("'bilinear'"), expr("True")
        return _partial(ctx, fn, b)


@register
class Pad(CallRule):
    """F.pad(x, (l, r, t, b), mode, value): pairs from the last dimension, constant/reflect/replicate/circular."""

    targets = ("torch.nn.functional.pad",)
    examples = [
        Example(
            torch="y = F.pad(x, (1, 2, 0, 1), mode='reflect')",
            jax="y = torch_pad(x, (1, 2, 0, 1), mode='reflect')",
            inputs={"x": [2, 3, 4, 5]},
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        return call(ctx.helper("torch_pad"), rename_keywords(node.args, {"input": None}))


@register
class PadModules(CallRule):
    """nn.ZeroPad2d/ConstantPad2d/ReflectionPad2d/ReplicationPad2d -> partial(torch_pad, ...)."""

    targets = tuple(
        f"torch.nn.{k}Pad{d}d" for k in ("Zero", "Constant", "Reflection", "Replication", "Circular") for d in (1, 2, 3)
    )
    examples = [
        Example(
            torch="self.pad = nn.ReflectionPad2d(1)\ny = self.pad(x)",
            jax="self.pad = functools.partial(torch_pad, pad=(1, 1, 1, 1), mode='reflect')\ny = self.pad(x)",
            inputs={"x": [2, 3, 4, 5]},
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        nd = int(name[-2])
        mode = {
            "Zero": "constant",
            "Constant": "constant",
            "Reflection": "reflect",
            "Replication": "replicate",
            "Circular": "circular",
        }[name.split("Pad")[0]]
        b = bind(node, ["padding", "value"])
        if b is None or "padding" not in b:
            return None
        pad = b["padding"]
        if isinstance(pad, cst.Integer):
            pad = expr("(" + ", ".join([pad.value] * (2 * nd)) + ")")
        kwargs = {"pad": pad, "mode": expr(repr(mode))}
        if "value" in b:
            kwargs["value"] = b["value"]
        return _partial(ctx, ctx.helper("torch_pad"), kwargs)


@register
class FlattenIdentity(CallRule):
    """nn.Flatten(start_dim=1, end_dim=-1) -> partial(torch_flatten, start_dim=1...); nn.Identity() -> lambda;
    nn.Unflatten; torch.flatten handled with shape ops."""

    targets = (
        "torch.nn.Flatten",
        "torch.nn.Identity",
        "torch.nn.Unflatten",
        "torch.nn.PixelShuffle",
        "torch.nn.PixelUnshuffle",
        "torch.nn.Softmax2d",
        "torch.nn.ChannelShuffle",
    )
    examples = [
        Example(
            torch="self.flat = nn.Flatten()\nself.id = nn.Identity()\ny = self.id(self.flat(x))",
            jax="self.flat = functools.partial(torch_flatten, start_dim=1)\nself.id = lambda x, *args, **kwargs: x\ny = self.id(self.flat(x))",
            inputs={"x": [2, 3, 4]},
        ),
        # as an operand the lambda is parenthesized (else it would swallow the conditional)
        Example(
            torch="self.act = nn.Identity() if n > 0 else nn.ReLU()\ny = self.act(x)",
            jax="self.act = (lambda x, *args, **kwargs: x) if n > 0 else jax.nn.relu\ny = self.act(x)",
            inputs={"x": [2, 3]},
            init_args="n=0",
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        if name == "Identity":
            return expr("lambda x, *args, **kwargs: x")
        if name == "Softmax2d":
            ctx.use("functools", "jax")
            return expr("functools.partial(jax.nn.softmax, axis=-3)")
        if name == "Flatten":
            b = bind(node, ["start_dim", "end_dim"])
            if b is None:
                return None
            b.setdefault("start_dim", expr("1"))
            return _partial(ctx, ctx.helper("torch_flatten"), b)
        if name == "Unflatten":
            b = bind(node, ["dim", "unflattened_size"])
            if b is None:
                return None
            return _partial(ctx, ctx.helper("torch_unflatten"), {"dim": b["dim"], "sizes": b["unflattened_size"]})
        if name in ("PixelShuffle", "PixelUnshuffle"):
            helper = "torch_pixel_shuffle" if name == "PixelShuffle" else "torch_pixel_unshuffle"
            key = "upscale_factor" if name == "PixelShuffle" else "downscale_factor"
            b = bind(node, [key])
            return _partial(ctx, ctx.helper(helper), b) if b else None
        return None


@register
class FunctionalMisc(CallRule):
    """F.linear/bilinear/conv*/conv_transpose*/layer_norm/group_norm/normalize/one_hot/embedding/
    pixel_shuffle/scaled_dot_product_attention/cosine_similarity/pairwise_distance/dropout."""

    targets = tuple(
        f"torch.nn.functional.{n}"
        for n in (
            "linear",
            "conv1d",
            "conv2d",
            "conv3d",
            "conv_transpose1d",
            "conv_transpose2d",
            "conv_transpose3d",
            "layer_norm",
            "group_norm",
            "normalize",
            "one_hot",
            "embedding",
            "pixel_shuffle",
            "pixel_unshuffle",
            "scaled_dot_product_attention",
            "cosine_similarity",
            "pairwise_distance",
            "dropout",
            "dropout1d",
            "dropout2d",
            "alpha_dropout",
        )
    )
    examples = [
        Example(
            torch="y = F.linear(x, x[:3], x[0, :3])",
            jax="y = jnp.matmul(x, (x[:3]).T) + x[0, :3]",
            inputs={"x": [4, 4]},
        ),
        Example(
            torch="y = F.normalize(x, dim=-1) + F.layer_norm(x, (4,))",
            jax="y = torch_normalize(x, dim=-1) + torch_layer_norm(x, (4,))",
            inputs={"x": [3, 4]},
        ),
        # a mask of unknown dtype (here a float mask, added); NativeAttention takes those known to be boolean
        Example(
            torch="y = F.scaled_dot_product_attention(x, x, x, mask)",
            jax="y = torch_scaled_dot_product_attention(x, x, x, mask)",
            inputs={"x": [2, 2, 5, 4], "mask": [5, 5]},
        ),
        Example(
            torch="y = F.one_hot(i, 5).float()",
            jax="y = jax.nn.one_hot(i, 5, dtype=jnp.int32).astype(jnp.float32)",
            inputs={"i": Tensor(shape=[6], dtype="int64", high=5)},
        ),
        # whole channels are dropped, not elements (text only: the mask is random)
        Example(
            torch="y = F.dropout2d(x, 0.2, self.training)",
            jax="key, k1 = jax.random.split(key)\ny = torch_dropout(x, 0.2, self.training, k1, channel_dropout=2)",
            verify=False,
        ),
        # SELU-preserving dropout is not plain dropout: in training it stays marked
        Example(
            torch="y = F.alpha_dropout(x, 0.1, True)",
            jax="y = F.alpha_dropout(x, 0.1, True)  # t2j: not translated: torch.nn.functional.alpha_dropout",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        ctx.use("jnp")
        if name == "linear":
            b = bind(node, ["input", "weight", "bias"])
            if b is None:
                return None
            w = b["weight"]
            w = w.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if not isinstance(w, cst.Name) else w
            out = call("jnp.matmul", [arg(b["input"]), arg(cst.Attribute(value=w, attr=cst.Name("T")))])
            if "bias" in b and not _is_false(b["bias"]):
                out = cst.BinaryOperation(out, cst.Add(), b["bias"])
            return out
        if name.startswith("conv_transpose"):
            return call(ctx.helper("torch_conv_transpose"), rename_keywords(node.args, {"input": None}))
        if name.startswith("conv"):
            return call(ctx.helper("torch_conv"), rename_keywords(node.args, {"input": None}))
        if name == "layer_norm":
            return call(ctx.helper("torch_layer_norm"), rename_keywords(node.args, {"input": None}))
        if name == "group_norm":
            return call(ctx.helper("torch_group_norm"), rename_keywords(node.args, {"input": None}))
        if name == "normalize":
            return call(ctx.helper("torch_normalize"), rename_keywords(node.args, {"input": None}))
        if name == "cosine_similarity":
            return call(ctx.helper("torch_cosine_similarity"), node.args)
        if name == "pairwise_distance":
            return call(ctx.helper("torch_pairwise_distance"), node.args)
        if name == "pixel_shuffle":
            return call(ctx.helper("torch_pixel_shuffle"), node.args)
        if name == "pixel_unshuffle":
            return call(ctx.helper("torch_pixel_unshuffle"), node.args)
        if name == "scaled_dot_product_attention":
            if drops_attention(node):
                return None  # the helper has no dropout: a training run would differ, so the call stays marked
            return call(ctx.helper("torch_scaled_dot_product_attention"), node.args)
        if name == "one_hot":
            b = bind(node, ["input", "num_classes"])
            if b is None:
                return None
            if "num_classes" not in b or (isinstance(b["num_classes"], cst.UnaryOperation)):
                return call(ctx.helper("torch_one_hot"), node.args)
            ctx.use("jax")
            return call("jax.nn.one_hot", [arg(b["input"]), arg(b["num_classes"]), arg("jnp.int32", "dtype")])
        if name == "embedding":
            b = bind(node, ["input", "weight", "padding_idx"])
            if b is None:
                return None
            return call("jnp.take", [arg(b["weight"]), arg(b["input"]), arg("0", "axis")])
        if name.startswith("dropout") or name == "alpha_dropout":
            b = bind(node, ["input", "p", "training", "inplace"])
            if b is None:
                return None
            training = b.get("training", expr("True"))
            if isinstance(training, cst.Name) and training.value == "False":
                return b["input"]
            if name == "alpha_dropout":
                return None  # SELU-preserving masks and an affine correction: plain dropout trains another network
            p = b.get("p", expr("0.5"))
            args = [arg(b["input"]), arg(p), arg(training), arg(ctx.random_key())]
            if name != "dropout":  # dropout1d/2d drop whole channels
                args.append(arg(name[-2], "channel_dropout"))
            return call(ctx.helper("torch_dropout"), args)
        return None
