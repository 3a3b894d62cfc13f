"""In-place fills of a module's own parameters (`self.fc.weight.data.uniform_(-r, r)`, `.bias.data.zero_()`,
`.fill_(v)`, `.normal_(m, s)`, in an `init_weights` method or `__init__`) -> an update of the nnx Variable in
place (`self.fc.kernel[...] = ...`), the draw's key from the module's `rngs` (a method reached from __init__
receives them; any other method draws from `self.rngs`).

A Linear's torch weight (out, in) is nnx's kernel (in, out): LayerWeights reads it as `fc.kernel.T`. The fills
here are element-wise (every element drawn alone, or one constant), so they are written on the kernel in its own
shape; a copy of a given tensor (`.copy_(w)`) is transposed back by RebindInplace. Fills of loop variables
(`m.weight.data.normal_(0, 0.02)` in `for m in self.modules()`) are the init rules' (init_code.py)."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import Example, MethodRule, Rebind, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, expr, positional

# torch's parameters of each fill, with their defaults, in order
FILL_PARAMS = {
    "uniform_": (("from", "0"), ("to", "1")),
    "normal_": (("mean", "0"), ("std", "1")),
    "fill_": (("value", None),),
    "zero_": (),
}
INIT = (
    "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.emb = nn.Embedding(10, 4, padding_idx=0)\n        self.fc = nn.Linear(4, 3)\n"
    "        self.init_weights()\n\n"
    "    def init_weights(self):\n"
)
INIT_JAX = (
    "class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n"
    "        self.emb = TorchEmbedding(10, 4, padding_idx=0, rngs=rngs)\n"
    "        self.fc = nnx.Linear(4, 3, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\n"
    "        self.init_weights(rngs=rngs)\n"
    "    def init_weights(self, *, rngs: nnx.Rngs):\n"
)


def _the_statement(node: cst.Call, ctx: Context, name: str) -> bool:
    """The fill is a statement of its own (its value is not used): only then is the Variable updated."""
    frame = ctx.statement
    origin = frame.origin if frame is not None else None
    if not isinstance(origin, cst.SimpleStatementLine) or len(origin.body) != 1:
        return False
    small = origin.body[0]
    return (
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and isinstance(small.value.func, cst.Attribute)
        and small.value.func.attr.value == name
    )


@register
class ParameterFills(MethodRule):
    """`self.fc.weight.data.uniform_(-r, r)` / `.normal_(m, s)` / `.fill_(v)` / `.zero_()` on a module's own
    parameter -> `self.fc.kernel[...] = <a draw or constant of the kernel's shape>` (key from the module's rngs)."""

    methods = tuple(FILL_PARAMS)
    priority = 10  # before InplaceMethods (`x.zero_()` on a value) and RandomFills (tensor values only)
    examples = [
        Example(
            torch=INIT + "        self.emb.weight.data.uniform_(-0.5, 0.5)\n"
            "        self.fc.weight.data.uniform_(-0.5, 0.5)\n        self.fc.bias.data.zero_()\n\n"
            "    def forward(self, i):\n        return self.fc(self.emb(i))",
            jax=INIT_JAX + "        self.emb.weight[...] = jax.random.uniform(rngs.params(), self.emb.weight.shape, "
            "self.emb.weight.dtype, -0.5, 0.5)\n"
            "        self.fc.kernel[...] = jax.random.uniform(rngs.params(), self.fc.kernel.shape, "
            "self.fc.kernel.dtype, -0.5, 0.5)\n"
            "        self.fc.bias[...] = jnp.zeros_like(self.fc.bias)\n"
            "    def __call__(self, i):\n        return self.fc(self.emb(i))",
            verify=False,  # random draws; tests/test_script_constructs.py checks them by distribution
        ),
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(4, 3)\n        self.scale = nn.Parameter(torch.ones(3))\n"
            "        self.fc.weight.data.normal_(0.0, 0.02)\n        self.fc.bias.data.fill_(0.1)\n\n"
            "    def reset(self):\n        with torch.no_grad():\n            self.scale.normal_()\n\n"
            "    def forward(self, x):\n        return self.fc(x) * self.scale",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        self.rngs = rngs\n"
            "        self.fc = nnx.Linear(4, 3, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\n"
            "        self.scale = nnx.Param(jnp.ones(3))\n"
            "        self.fc.kernel[...] = 0.0 + 0.02 * jax.random.normal(rngs.params(), self.fc.kernel.shape, "
            "self.fc.kernel.dtype)\n"
            "        self.fc.bias[...] = jnp.full_like(self.fc.bias, 0.1)\n"
            "    def reset(self):\n"
            "        self.scale[...] = jax.random.normal(self.rngs.default(), self.scale.shape, self.scale.dtype)\n"
            "    def __call__(self, x):\n        return self.fc(x) * self.scale",
            verify=False,
        ),
        Example(  # a tensor value, not a parameter of the module: RandomFills / InplaceMethods
            torch="noise = torch.zeros(3)\nnoise.zero_()",
            jax="noise = jnp.zeros(3)\nnoise = jnp.zeros_like(noise)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | Rebind | None:
        if not ctx.in_module_class or not (dotted(receiver) or "").startswith("self."):
            return None
        if any(a.star for a in node.args) or not _the_statement(node, ctx, name):
            return None
        params = FILL_PARAMS[name]
        given = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        for (param, _), a in zip(params, positional(node)):
            given[param] = a.value
        if set(given) - {p for p, _ in params} or len(positional(node)) > len(params):
            return None  # `generator=`: a chain of the user's own
        if any(default is None and p not in given for p, default in params):
            return None
        # `fc.kernel.T` (torch's layout of a Linear weight): an element-wise fill is the same on the kernel
        variable = receiver.value if isinstance(receiver, cst.Attribute) and receiver.attr.value == "T" else receiver
        shape = cst.Attribute(value=variable, attr=cst.Name("shape"))
        dtype = cst.Attribute(value=variable, attr=cst.Name("dtype"))
        value: cst.BaseExpression
        if name == "zero_":
            ctx.use("jnp")
            value = call("jnp.zeros_like", [arg(variable)])
        elif name == "fill_":
            ctx.use("jnp")
            value = call("jnp.full_like", [arg(variable), arg(given["value"])])
        elif name == "uniform_":
            ctx.use("jax")
            low, high = given.get("from", expr("0.0")), given.get("to", expr("1.0"))
            value = call("jax.random.uniform", [arg(ctx.random_key()), arg(shape), arg(dtype), arg(low), arg(high)])
        else:
            ctx.use("jax")
            value = call("jax.random.normal", [arg(ctx.random_key()), arg(shape), arg(dtype)])
            if "std" in given:
                value = cst.BinaryOperation(given["std"], cst.Multiply(), value)
            if "mean" in given:
                value = cst.BinaryOperation(given["mean"], cst.Add(), value)
        return Rebind(value, variable)
