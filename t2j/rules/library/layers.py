"""torch.nn layers -> nnx layers or emitted torch-layout modules (attribute names and layouts kept, so that
weights port by name; channels-first at the boundary)."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.source import MODULE_SCOPE
from t2j.rules.base import CallRule, Example, Tensor, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, code, expr, rename_keywords
from t2j.rules.initializers import torch_init_args

DROP = {"device": None, "dtype": None}


class EmittedLayer(CallRule):
    """A layer whose emitted torch-semantics module takes torch's own arguments (plus `rngs`)."""

    abstract = True
    helper = ""
    extra: dict[str, str] = {}

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        args = rename_keywords(node.args, DROP)
        extra = self.extra_for(qualname)
        args += [arg(v, k) for k, v in extra.items()] + [arg(ctx.rngs(), "rngs")]
        return call(ctx.helper(self.helper), args)

    def extra_for(self, qualname: str) -> dict[str, str]:
        return dict(self.extra)


@register
class Linear(CallRule):
    """nn.Linear(in, out, bias) -> nnx.Linear(in, out, use_bias=bias, rngs=rngs) (kernel = weight.T), with
    torch's initialisers (weight and bias U(+-1/sqrt(in)))."""

    targets = ("torch.nn.Linear", "torch.nn.LazyLinear")
    examples = [
        Example(
            torch="self.fc = nn.Linear(8, 4)\ny = self.fc(x)",
            jax="self.fc = nnx.Linear(8, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(8), rngs=rngs)\n"
            "y = self.fc(x)",
            inputs={"x": [3, 8]},
        ),
        Example(
            torch="self.fc = nn.Linear(8, 4, bias=False)\ny = self.fc(x)",
            jax="self.fc = nnx.Linear(8, 4, use_bias=False, kernel_init=torch_kernel_init, rngs=rngs)\ny = self.fc(x)",
            inputs={"x": [2, 5, 8]},
        ),
        Example(
            torch="self.fc = nn.Linear(n * 2, n)\ny = self.fc(x)",
            jax="self.fc = nnx.Linear(n * 2, n, kernel_init=torch_kernel_init, bias_init=torch_bias_init(n * 2), "
            "rngs=rngs)\ny = self.fc(x)",
            init_args="n=4",
            inputs={"x": [3, 8]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        b = bind(node, ["in_features", "out_features", "bias", "device", "dtype"])
        if b is None or "in_features" not in b or "out_features" not in b:
            return None
        args = [arg(b["in_features"]), arg(b["out_features"])]
        if "bias" in b:
            args.append(arg(b["bias"], "use_bias"))
        args += torch_init_args(ctx, b["in_features"], b.get("bias"))
        return call("nnx.Linear", args + [arg(ctx.rngs(), "rngs")])


@register
class BatchNorm(EmittedLayer):
    """nn.BatchNorm1d/2d/3d -> TorchBatchNorm: torch momentum (not inverted: it keeps torch's meaning),
    unbiased running variance, eval uses running stats (nnx's `use_running_average`)."""

    targets = ("torch.nn.BatchNorm1d", "torch.nn.BatchNorm2d", "torch.nn.BatchNorm3d", "torch.nn.SyncBatchNorm")
    helper = "TorchBatchNorm"
    examples = [
        Example(
            torch="self.bn = nn.BatchNorm2d(4, momentum=0.2)\ny = self.bn(x)",
            jax="self.bn = TorchBatchNorm(4, momentum=0.2, rngs=rngs)\ny = self.bn(x)",
            inputs={"x": [4, 4, 5, 5]},
        ),
        Example(
            torch="self.bn = nn.BatchNorm1d(6)\ny = self.bn(x)",
            jax="self.bn = TorchBatchNorm(6, rngs=rngs)\ny = self.bn(x)",
            inputs={"x": [8, 6]},
        ),
    ]


@register
class LayerNorm(CallRule):
    """nn.LayerNorm(d) over the last axis -> nnx.LayerNorm(d, epsilon=1e-5, use_fast_variance=False): torch's
    eps and its two-pass variance (nnx's default fast variance E[x^2] - E[x]^2 is off by ~1e-4 on inputs with a
    large mean); weight/bias are nnx's scale/bias. Several normalized dimensions keep TorchLayerNorm."""

    targets = ("torch.nn.LayerNorm",)
    priority = 10
    examples = [
        Example(
            torch="self.ln = nn.LayerNorm(8)\ny = self.ln(x + 3.0)",
            jax="self.ln = nnx.LayerNorm(8, epsilon=1e-5, use_fast_variance=False, rngs=rngs)\ny = self.ln(x + 3.0)",
            inputs={"x": [3, 8]},
        ),
        Example(
            torch="self.ln = nn.LayerNorm([6], eps=1e-6, elementwise_affine=False)\ny = self.ln(x)",
            jax="self.ln = nnx.LayerNorm(6, epsilon=1e-6, use_fast_variance=False, use_scale=False, "
            "use_bias=False, rngs=rngs)\ny = self.ln(x)",
            inputs={"x": [2, 5, 6]},
        ),
        Example(
            torch="self.ln = nn.LayerNorm(6, bias=False)\ny = self.ln(x)",
            jax="self.ln = nnx.LayerNorm(6, epsilon=1e-5, use_fast_variance=False, use_bias=False, "
            "rngs=rngs)\ny = self.ln(x)",
            inputs={"x": [2, 6]},
        ),
    ]

    def rewrite(self, node, ctx, qualname):
        b = bind(node, ["normalized_shape", "eps", "elementwise_affine", "bias", "device", "dtype"])
        if b is None or "normalized_shape" not in b:
            return None
        shape = b["normalized_shape"]
        if (
            isinstance(shape, (cst.List, cst.Tuple))
            and len(shape.elements) == 1
            and isinstance(shape.elements[0], cst.Element)
        ):
            shape = shape.elements[0].value
        # an int (a name or attribute is taken as one, as torch code writes it); a tuple of dims stays emulated
        if not isinstance(shape, (cst.Integer, cst.Name, cst.Attribute)):
            return None
        args = [arg(shape), arg(b.get("eps", expr("1e-5")), "epsilon"), arg("False", "use_fast_variance")]
        affine = b.get("elementwise_affine")
        if affine is not None and not (isinstance(affine, cst.Name) and affine.value == "True"):
            if not (isinstance(affine, cst.Name) and affine.value == "False"):
                return None
            args += [arg("False", "use_scale"), arg("False", "use_bias")]
        elif "bias" in b:
            args.append(arg(b["bias"], "use_bias"))
        return call("nnx.LayerNorm", args + [arg(ctx.rngs(), "rngs")])


@register
class Norms(EmittedLayer):
    """nn.LayerNorm over several trailing dimensions / GroupNorm / InstanceNorm -> torch-layout modules (nnx's
    GroupNorm and InstanceNorm normalize channels-last input)."""

    targets = (
        "torch.nn.LayerNorm",
        "torch.nn.GroupNorm",
        "torch.nn.InstanceNorm1d",
        "torch.nn.InstanceNorm2d",
        "torch.nn.InstanceNorm3d",
    )
    examples = [
        Example(
            torch="self.ln = nn.LayerNorm((4, 8))\ny = self.ln(x)",
            jax="self.ln = TorchLayerNorm((4, 8), rngs=rngs)\ny = self.ln(x)",
            inputs={"x": [3, 4, 8]},
        ),
        Example(
            torch="self.gn = nn.GroupNorm(2, 4)\ny = self.gn(x)",
            jax="self.gn = TorchGroupNorm(2, 4, rngs=rngs)\ny = self.gn(x)",
            inputs={"x": [2, 4, 3, 3]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        helper = {"LayerNorm": "TorchLayerNorm", "GroupNorm": "TorchGroupNorm"}.get(name, "TorchInstanceNorm")
        args = rename_keywords(node.args, DROP) + [arg(ctx.rngs(), "rngs")]
        return call(ctx.helper(helper), args)


@register
class RMSNorm(CallRule):
    """nn.RMSNorm(shape, eps=None) -> nnx.RMSNorm over the last axis (eps: torch's None means finfo eps)."""

    targets = ("torch.nn.RMSNorm",)
    examples = [
        Example(
            torch="self.norm = nn.RMSNorm(8, eps=1e-6)\ny = self.norm(x)",
            jax="self.norm = nnx.RMSNorm(8, epsilon=1e-6, rngs=rngs)\ny = self.norm(x)",
            inputs={"x": [3, 8]},
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        b = bind(node, ["normalized_shape", "eps", "elementwise_affine", "device", "dtype"])
        if b is None or not isinstance(b.get("normalized_shape"), (cst.Integer, cst.Name, cst.Attribute)):
            return None
        eps = b.get("eps")
        if eps is None or (isinstance(eps, cst.Name) and eps.value == "None"):
            eps = expr("1.1920928955078125e-07")
        args = [arg(b["normalized_shape"]), arg(eps, "epsilon")]
        if "elementwise_affine" in b:
            args.append(arg(b["elementwise_affine"], "use_scale"))
        return call("nnx.RMSNorm", args + [arg(ctx.rngs(), "rngs")])


@register
class Embedding(CallRule):
    """nn.Embedding(n, d) -> nnx.Embed(n, d) with torch's N(0, 1) table (nnx's default has std 1/sqrt(d);
    table `embedding` = torch `weight`); with padding_idx -> TorchEmbedding (that row zero, and no gradient)."""

    targets = ("torch.nn.Embedding",)
    examples = [
        Example(
            torch="self.emb = nn.Embedding(10, 4)\ny = self.emb(x)",
            jax="self.emb = nnx.Embed(10, 4, embedding_init=nnx.initializers.normal(1.0), rngs=rngs)\ny = self.emb(x)",
            inputs={"x": Tensor(shape=[2, 5], dtype="int64", high=10)},
        ),
        Example(
            torch="self.emb = nn.Embedding(10, 4, padding_idx=0)\ny = self.emb(x)",
            jax="self.emb = TorchEmbedding(10, 4, padding_idx=0, rngs=rngs)\ny = self.emb(x)",
            inputs={"x": Tensor(shape=[2, 5], dtype="int64", high=10)},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        b = bind(
            node,
            [
                "num_embeddings",
                "embedding_dim",
                "padding_idx",
                "max_norm",
                "norm_type",
                "scale_grad_by_freq",
                "sparse",
                "_weight",
                "_freeze",
                "device",
                "dtype",
            ],
        )
        if b is None or "num_embeddings" not in b or "embedding_dim" not in b:
            return None
        if any(k in b for k in ("max_norm", "_weight", "scale_grad_by_freq")):
            return None
        base = [arg(b["num_embeddings"]), arg(b["embedding_dim"])]
        if "padding_idx" in b and not (isinstance(b["padding_idx"], cst.Name) and b["padding_idx"].value == "None"):
            return call(
                ctx.helper("TorchEmbedding"), base + [arg(b["padding_idx"], "padding_idx"), arg(ctx.rngs(), "rngs")]
            )
        init = arg(expr("nnx.initializers.normal(1.0)"), "embedding_init")
        return call("nnx.Embed", base + [init, arg(ctx.rngs(), "rngs")])


@register
class Dropout(CallRule):
    """nn.Dropout(p) -> nnx.Dropout(p, rngs=rngs); Dropout1d/2d/3d drop whole channels (broadcast over
    the spatial axes of NC... input)."""

    targets = (
        "torch.nn.Dropout",
        "torch.nn.Dropout1d",
        "torch.nn.Dropout2d",
        "torch.nn.Dropout3d",
    )
    examples = [
        Example(
            torch="self.drop = nn.Dropout(0.1)\ny = self.drop(x)",
            jax="self.drop = nnx.Dropout(0.1, rngs=rngs)\ny = self.drop(x)",
            inputs={"x": [3, 8]},
        ),
        # AlphaDropout keeps the SELU mean and variance (a different mask value and an affine correction):
        # plain dropout would train a different network, so it stays marked
        Example(
            torch="self.drop = nn.AlphaDropout(0.1)",
            jax="self.drop = nn.AlphaDropout(0.1)  # t2j: not translated: torch.nn.AlphaDropout",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        b = bind(node, ["p", "inplace"])
        if b is None:
            return None
        p = b.get("p", expr("0.5"))
        args = [arg(p)]
        last = qualname.rsplit(".", 1)[1]
        if last[-2:] in ("1d", "2d", "3d"):
            n = int(last[-2])
            args.append(arg(f"({', '.join(str(i) for i in range(2, 2 + n))},)", "broadcast_dims"))
        return call("nnx.Dropout", args + [arg(ctx.rngs(), "rngs")])


@register
class Containers(CallRule):
    """nn.Sequential -> nnx.Sequential; nn.ModuleList -> nnx.List; nn.ModuleDict -> nnx.Dict."""

    targets = (
        "torch.nn.Sequential",
        "torch.nn.ModuleList",
        "torch.nn.ModuleDict",
        "torch.nn.ParameterList",
        "torch.nn.ParameterDict",
    )
    examples = [
        Example(
            torch="self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))\ny = self.net(x)",
            jax="self.net = nnx.Sequential(nnx.Linear(4, 8, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs), jax.nn.relu, nnx.Linear(8, 2, kernel_init=torch_kernel_init, bias_init=torch_bias_init(8), rngs=rngs))\ny = self.net(x)",
            inputs={"x": [3, 4]},
        ),
        Example(
            torch="self.body = nn.Sequential(OrderedDict([('fc1', nn.Linear(4, 8)), ('act', nn.Tanh()), ('fc2', nn.Linear(8, 2))]))\n"
            "y = self.body(x) + self.body[2](self.body.act(self.body.fc1(x)))",
            jax="self.body = TorchNamedSequential([('fc1', nnx.Linear(4, 8, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)), ('act', jnp.tanh), ('fc2', nnx.Linear(8, 2, kernel_init=torch_kernel_init, bias_init=torch_bias_init(8), rngs=rngs))])\n"
            "y = self.body(x) + self.body[2](self.body.act(self.body.fc1(x)))",
            inputs={"x": [3, 4]},
        ),
        Example(  # torchvision's ViT encoder: the OrderedDict filled in a loop, then given by name (a class's
            # __init__ is verified end to end in tests/test_wild_sequential.py)
            torch="layers = OrderedDict()\nfor i in range(2):\n    layers[f'layer_{i}'] = nn.Linear(4, 4)\n"
            "body = nn.Sequential(layers)",
            jax="from collections import OrderedDict\nlayers = OrderedDict()\nfor i in range(2):\n    layers[f'layer_{i}'] = nnx.Linear(4, 4, "
            "kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\n"
            "body = TorchNamedSequential(layers)",
            imports="from collections import OrderedDict",
            verify=False,
        ),
        Example(  # an empty one filled by add_module: children under their names, called in insertion order
            # (text only: an example's add_module line would land in forward; tests/test_wild_sequential.py
            # verifies the construct in __init__ end to end)
            torch="self.stem = nn.Sequential()\nself.stem.add_module('conv_0', nn.Linear(4, 4))\ny = self.stem(x)",
            jax="self.stem = TorchNamedSequential()\nself.stem.add_module('conv_0', nnx.Linear(4, 4, "
            "kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs))\ny = self.stem(x)",
            verify=False,
        ),
        Example(  # one module given by name is a one-child Sequential: it stays nnx.Sequential
            torch="block = nn.Linear(4, 4)\nbody = nn.Sequential(block)",
            jax="block = nnx.Linear(4, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\n"
            "body = nnx.Sequential(block)",
            verify=False,
        ),
        Example(
            torch="self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])\ny = self.blocks[1](self.blocks[0](x))",
            jax="self.blocks = nnx.List([nnx.Linear(4, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs) for _ in range(2)])\ny = self.blocks[1](self.blocks[0](x))",
            inputs={"x": [3, 4]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        if name == "Sequential":
            first = node.args[0].value if len(node.args) == 1 else None
            if isinstance(first, cst.Call) and code(first.func) in ("OrderedDict", "collections.OrderedDict"):
                return call(ctx.helper("TorchNamedSequential"), first.args if first.args else [arg("[]")])
            if not node.args:  # filled later by add_module/append (torchvision's ViT conv stem), or an identity
                return call(ctx.helper("TorchNamedSequential"), [])
            if isinstance(first, cst.Name) and not node.args[0].star and first.value in _local_containers(ctx):
                # `nn.Sequential(layers)`, layers an OrderedDict filled earlier: a dict is no nnx child (it
                # would be a static attribute holding arrays), the helper keeps each layer under its name
                return call(ctx.helper("TorchNamedSequential"), node.args)
            return call("nnx.Sequential", node.args)
        if name in ("ModuleList", "ParameterList"):
            return call("nnx.List", node.args if node.args else [arg("[]")])
        return call("nnx.Dict", node.args if node.args else [arg("{}")])


@register
class Bilinear(EmittedLayer):
    """nn.Bilinear -> TorchBilinear (weight (out, in1, in2))."""

    targets = ("torch.nn.Bilinear",)
    helper = "TorchBilinear"
    examples = [
        Example(
            torch="self.bil = nn.Bilinear(4, 3, 5)\ny = self.bil(x, x[:, :3])",
            jax="self.bil = TorchBilinear(4, 3, 5, rngs=rngs)\ny = self.bil(x, x[:, :3])",
            inputs={"x": [2, 4]},
        )
    ]


@register
class PReLU(EmittedLayer):
    """nn.PReLU -> TorchPReLU (weight of num_parameters slopes)."""

    targets = ("torch.nn.PReLU",)
    helper = "TorchPReLU"
    examples = [
        Example(
            torch="self.act = nn.PReLU(4)\ny = self.act(x)",
            jax="self.act = TorchPReLU(4, rngs=rngs)\ny = self.act(x)",
            inputs={"x": [2, 4, 3]},
        )
    ]


@register
class Parameter(CallRule):
    """nn.Parameter(t) -> nnx.Param(t); requires_grad=False -> nnx.Variable(t)."""

    targets = ("torch.nn.Parameter", "torch.nn.parameter.Parameter")
    examples = [
        Example(
            torch="self.scale = nn.Parameter(torch.ones(4) * 0.5)\ny = x * self.scale",
            jax="self.scale = nnx.Param(jnp.ones(4) * 0.5)\ny = x * self.scale",
            inputs={"x": [2, 4]},
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        b = bind(node, ["data", "requires_grad"])
        if b is None or "data" not in b:
            return None
        rg = b.get("requires_grad")
        wrapper = "nnx.Variable" if isinstance(rg, cst.Name) and rg.value == "False" else "nnx.Param"
        return call(wrapper, [arg(b["data"])])


def _local_containers(ctx: Context) -> set[str]:
    """Names the enclosing function (or top-level code) binds to a list/dict/OrderedDict."""
    if ctx.function is not None:
        return ctx.function.local_containers
    return ctx.info.containers.get(MODULE_SCOPE, set())
