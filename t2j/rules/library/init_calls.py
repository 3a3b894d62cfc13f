"""`nn.init.*_(layer.weight, ...)` and `layer.weight.data.normal_(...)` statements: torch's in-place
re-initialisation of a parameter -> the same draw into the nnx parameter (`torch_reinit`), so that a model
trained from scratch starts from torch's distributions.

Every initialiser is a native `jax.nn.initializers` one where that is exactly torch's: kaiming/xavier are
`variance_scaling` with torch's gain squared as the scale and `in_axis=1, out_axis=0` (torch computes fans on
its (out, in, *k) layout: fan_in = size(1) * receptive field, fan_out = size(0) * receptive field;
`torch_reinit` draws in that layout and stores into nnx's). uniform_(a, b), normal_ with a mean and
trunc_normal_ (absolute bounds, where jax's are in standard deviations) are small emitted initialisers."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import CallRule, Example, MethodRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, code, expr, literal

INIT = "torch.nn.init."
# torch.nn.init.calculate_gain(nonlinearity) ** 2, the variance_scaling scale (leaky_relu: 2 / (1 + a^2))
GAIN_SQUARED = {
    **{n: 1.0 for n in ("linear", "sigmoid", "conv1d", "conv2d", "conv3d")},
    **{f"conv_transpose{d}d": 1.0 for d in (1, 2, 3)},
    "tanh": 25 / 9,
    "relu": 2.0,
    "selu": 9 / 16,
}
PARAMS = {
    "zeros_": ["tensor"],
    "ones_": ["tensor"],
    "constant_": ["tensor", "val"],
    "normal_": ["tensor", "mean", "std", "generator"],
    "uniform_": ["tensor", "a", "b", "generator"],
    "trunc_normal_": ["tensor", "mean", "std", "a", "b", "generator"],
    "kaiming_normal_": ["tensor", "a", "mode", "nonlinearity", "generator"],
    "kaiming_uniform_": ["tensor", "a", "mode", "nonlinearity", "generator"],
    "xavier_normal_": ["tensor", "gain", "generator"],
    "xavier_uniform_": ["tensor", "gain", "generator"],
}
RANDOM = set(PARAMS) - {"zeros_", "ones_", "constant_"}


def _is_zero(node: cst.BaseExpression | None) -> bool:
    try:
        return node is None or literal(node) == 0
    except (ValueError, SyntaxError):
        return False


def _gain_squared(nonlinearity: cst.BaseExpression | None, a: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """kaiming's scale: calculate_gain(nonlinearity, a) ** 2 (torch's default nonlinearity is leaky_relu, a=0)."""
    try:
        name = "leaky_relu" if nonlinearity is None else literal(nonlinearity)
    except (ValueError, SyntaxError):
        return None
    if name != "leaky_relu":
        return expr(repr(GAIN_SQUARED[name])) if name in GAIN_SQUARED else None
    if a is None:
        return expr("2.0")
    try:
        return expr(repr(2.0 / (1 + float(literal(a)) ** 2)))
    except (ValueError, SyntaxError, TypeError):
        return expr(f"2.0 / (1 + ({code(a)}) ** 2)")


def _variance_scaling(scale, mode: str | cst.BaseExpression, distribution: str) -> cst.BaseExpression:
    mode_arg = arg(expr(f'"{mode}"')) if isinstance(mode, str) else arg(mode)
    args = [arg(scale), mode_arg, arg(expr(f'"{distribution}"')), arg("1", "in_axis"), arg("0", "out_axis")]
    return call("jax.nn.initializers.variance_scaling", args)


def initializer(name: str, b: dict[str, cst.BaseExpression], ctx: Context) -> cst.BaseExpression | None:
    """The jax initializer (key, shape, dtype) -> array drawing what torch's `nn.init.<name>` draws, in torch's
    layout; None when it has no exact equivalent here."""
    if name in ("zeros_", "ones_"):
        return expr(f"jax.nn.initializers.{name[:-1]}")
    if name == "constant_":
        return call("jax.nn.initializers.constant", [arg(b["val"])]) if "val" in b else None
    if name == "normal_":
        std = b.get("std", expr("1.0"))
        if _is_zero(b.get("mean")):
            return call("jax.nn.initializers.normal", [arg(std)])
        return call(ctx.helper("torch_normal_init"), [arg(b["mean"]), arg(std)])
    if name in ("uniform_", "trunc_normal_"):
        helper = ctx.helper("torch_uniform_init" if name == "uniform_" else "torch_trunc_normal_init")
        return call(helper, [arg(v, k) for k, v in b.items() if k != "tensor"])
    if name.startswith("kaiming_"):
        scale = _gain_squared(b.get("nonlinearity"), b.get("a"))
        mode = b.get("mode")
        try:
            mode_value = "fan_in" if mode is None else literal(mode)
        except (ValueError, SyntaxError):
            return None
        if scale is None or mode_value not in ("fan_in", "fan_out"):
            return None
        return _variance_scaling(scale, mode_value, name[len("kaiming_") : -1])
    if name.startswith("xavier_"):
        gain = b.get("gain")
        scale = expr("1.0") if gain is None else expr(f"({code(gain)}) ** 2")
        return _variance_scaling(scale, "fan_avg", name[len("xavier_") : -1])
    return None


def parameter_of(target: cst.BaseExpression) -> tuple[cst.BaseExpression, str] | None:
    """(layer, torch parameter name) of an init target as the other rules left it: `m.weight`, `self.pos`,
    nn.Linear's `fc.kernel.T` (LayerWeights), nn.Embedding's `emb.embedding`; None for anything else (a bare
    name, a slice)."""
    if isinstance(target, cst.Attribute) and target.attr.value == "T":
        inner = target.value
        if isinstance(inner, cst.Attribute) and inner.attr.value == "kernel":
            return inner.value, "weight"
        return None
    if isinstance(target, cst.Attribute) and dotted(target) is not None:
        return target.value, target.attr.value
    return None


def reinit(ctx: Context, target: cst.BaseExpression, init: cst.BaseExpression, random: bool) -> cst.Call | None:
    found = parameter_of(target)
    if found is None:
        return None
    layer, name = found
    args = [arg(layer), arg(expr(f'"{name}"')), arg(init)]
    if random:
        args.append(arg(ctx.random_key()))
    return call(ctx.helper("torch_reinit"), args)


def _statement_calls(ctx: Context) -> cst.Call | None:
    """The call of the statement being rewritten, when the statement is that call alone (as the source has it)."""
    frame = ctx.statement
    origin = frame.origin if frame is not None else None
    if isinstance(origin, cst.SimpleStatementLine) and len(origin.body) == 1 and isinstance(origin.body[0], cst.Expr):
        value = origin.body[0].value
        return value if isinstance(value, cst.Call) else None
    return None


@register
class InitCalls(CallRule):
    """`nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")` (a statement) ->
    `torch_reinit(m, "weight", jax.nn.initializers.variance_scaling(2.0, "fan_out", "normal", in_axis=1,
    out_axis=0), rngs.params())`: the parameter re-drawn in place from torch's distribution, with torch's fans."""

    targets = tuple(INIT + name for name in PARAMS)
    examples = [
        Example(
            torch="self.conv = nn.Conv2d(3, 8, 3)\nnn.init.kaiming_normal_(self.conv.weight, mode='fan_out', "
            "nonlinearity='relu')\nnn.init.constant_(self.conv.bias, 0)\ny = self.conv(x)",
            jax='self.conv = TorchConv(3, 8, 3, ndim=2, rngs=rngs)\ntorch_reinit(self.conv, "weight", '
            'jax.nn.initializers.variance_scaling(2.0, "fan_out", "normal", in_axis=1, out_axis=0), rngs.params())\n'
            'torch_reinit(self.conv, "bias", jax.nn.initializers.constant(0))\ny = self.conv(x)',
            inputs={"x": [2, 3, 8, 8]},
        ),
        # nn.Linear's weight is nnx's kernel transposed: drawn as (out, in), so fan_in stays torch's `in`
        Example(
            torch="self.fc = nn.Linear(64, 16)\nnn.init.xavier_uniform_(self.fc.weight)\n"
            "nn.init.normal_(self.fc.bias, std=1e-6)\ny = self.fc(x)",
            jax="self.fc = nnx.Linear(64, 16, kernel_init=torch_kernel_init, bias_init=torch_bias_init(64), rngs=rngs)\n"
            'torch_reinit(self.fc, "weight", jax.nn.initializers.variance_scaling(1.0, "fan_avg", "uniform", '
            'in_axis=1, out_axis=0), rngs.params())\ntorch_reinit(self.fc, "bias", jax.nn.initializers.normal(1e-6), '
            "rngs.params())\ny = self.fc(x)",
            inputs={"x": [2, 64]},
        ),
        Example(
            torch="self.pos = nn.Parameter(torch.zeros(1, 50, 32))\nnn.init.trunc_normal_(self.pos, std=0.2)\n"
            "self.conv = nn.Conv1d(50, 8, 3, groups=2)\nnn.init.kaiming_uniform_(self.conv.weight, a=1)\n"
            "nn.init.uniform_(self.conv.bias, -0.5, 0.5)\ny = self.conv(x + self.pos)",
            jax="self.pos = nnx.Param(jnp.zeros((1, 50, 32)))\n"
            'torch_reinit(self, "pos", torch_trunc_normal_init(std=0.2), rngs.params())\n'
            "self.conv = TorchConv(50, 8, 3, groups=2, ndim=1, rngs=rngs)\n"
            'torch_reinit(self.conv, "weight", jax.nn.initializers.variance_scaling(1.0, "fan_in", "uniform", '
            "in_axis=1, out_axis=0), rngs.params())\n"
            'torch_reinit(self.conv, "bias", torch_uniform_init(a=-0.5, b=0.5), rngs.params())\ny = self.conv(x + self.pos)',
            inputs={"x": [2, 50, 32]},
        ),
        Example(  # the value of an init call is used: not a statement of its own, left to the marker
            torch="w = nn.init.zeros_(torch.empty(3))",
            jax="w = nn.init.zeros_(jnp.zeros(3))  # t2j: not translated: torch.nn.init.zeros_",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        whole = _statement_calls(ctx)
        if whole is None or ctx.info.qualname(whole.func) != qualname:
            return None
        name = qualname[len(INIT) :]
        b = bind(node, PARAMS[name])
        if b is None or "tensor" not in b or "generator" in b:
            return None
        init = initializer(name, b, ctx)
        return None if init is None else reinit(ctx, b["tensor"], init, name in RANDOM)


FILLS = {"normal_": ["mean", "std"], "uniform_": ["a", "b"], "fill_": ["val"], "zero_": []}


@register
class DataFills(MethodRule):
    """`m.weight.data.normal_(0, 0.01)`, `m.bias.data.zero_()`, `.fill_(v)`, `.uniform_(a, b)` (a statement on the
    `.data` of a loop variable's or an argument's parameter, as init loops and `_init_weights(m)` write them) ->
    `torch_reinit` with the matching initializer, as the nn.init calls. The module's own parameters
    (`self.fc.weight.data...`) are ParameterFills'."""

    methods = tuple(FILLS)
    priority = 30  # before the tensor-method rules (`x.zero_()` on a value rebinds x)
    examples = [
        Example(
            torch="self.fc = nn.Linear(32, 8)\nfor m in self.modules():\n    if isinstance(m, nn.Linear):\n"
            "        m.weight.data.normal_(0, 0.01)\n        m.bias.data.fill_(0.5)\ny = self.fc(x)",
            jax="self.fc = nnx.Linear(32, 8, kernel_init=torch_kernel_init, bias_init=torch_bias_init(32), rngs=rngs)\n"
            "for _, m in reversed(list(nnx.iter_modules(self))):\n    if isinstance(m, nnx.Linear):\n"
            '        torch_reinit(m, "weight", jax.nn.initializers.normal(0.01), rngs.params())\n'
            '        torch_reinit(m, "bias", jax.nn.initializers.constant(0.5))\ny = self.fc(x)',
            inputs={"x": [2, 32]},
        ),
        Example(  # a fill on a tensor value (not a parameter's .data): the tensor-method rules' business
            torch="y = x.clone()\ny.zero_()",
            jax="y = x\ny = jnp.zeros_like(y)",
            inputs={"x": [2, 3]},
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str):
        whole = _statement_calls(ctx)
        func = whole.func if whole is not None else None
        if not (isinstance(func, cst.Attribute) and func.attr.value == name and isinstance(func.value, cst.Attribute)):
            return None
        if func.value.attr.value != "data" or (dotted(receiver) or "").startswith("self."):
            return None
        b = bind(node, FILLS[name])
        if b is None:
            return None
        if name == "zero_":
            init: cst.BaseExpression | None = expr("jax.nn.initializers.zeros")
        elif name == "fill_":
            init = call("jax.nn.initializers.constant", [arg(b["val"])]) if "val" in b else None
        else:
            init = initializer(name, {"tensor": receiver, **b}, ctx)
        return None if init is None else reinit(ctx, receiver, init, name in RANDOM)
