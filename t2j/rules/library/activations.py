"""Activations, as functions (torch.relu, F.gelu, ...) and as modules (nn.ReLU(), nn.GELU(), ...).
GELU is exact unless torch asks for approximate='tanh' (jax.nn.gelu defaults to the tanh form)."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import AttributeRule, CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, expr, literal

# name -> (jax callee, torch parameters after the input, {torch param: jax keyword} , defaults to force)
ACTIVATIONS = {
    "relu": ("jax.nn.relu", ["inplace"], {"inplace": None}),
    "relu6": ("jax.nn.relu6", ["inplace"], {"inplace": None}),
    "sigmoid": ("jax.nn.sigmoid", [], {}),
    "tanh": ("jnp.tanh", [], {}),
    "silu": ("jax.nn.silu", ["inplace"], {"inplace": None}),
    "mish": ("jax.nn.mish", ["inplace"], {"inplace": None}),
    "selu": ("jax.nn.selu", ["inplace"], {"inplace": None}),
    "hardswish": ("jax.nn.hard_swish", ["inplace"], {"inplace": None}),
    "hardsigmoid": ("jax.nn.hard_sigmoid", ["inplace"], {"inplace": None}),
    "logsigmoid": ("jax.nn.log_sigmoid", [], {}),
    "softsign": ("jax.nn.soft_sign", [], {}),
    "leaky_relu": ("jax.nn.leaky_relu", ["negative_slope", "inplace"], {"inplace": None}),
    "elu": ("jax.nn.elu", ["alpha", "inplace"], {"inplace": None}),
    "celu": ("jax.nn.celu", ["alpha", "inplace"], {"inplace": None}),
    "softmax": ("jax.nn.softmax", ["dim", "_stacklevel", "dtype"], {"dim": "axis", "_stacklevel": None, "dtype": None}),
    "log_softmax": (
        "jax.nn.log_softmax",
        ["dim", "_stacklevel", "dtype"],
        {"dim": "axis", "_stacklevel": None, "dtype": None},
    ),
    "softmin": ("jax.nn.softmax", ["dim", "_stacklevel", "dtype"], {"dim": "axis", "_stacklevel": None, "dtype": None}),
    "glu": ("jax.nn.glu", ["dim"], {"dim": "axis"}),
    "hardtanh": ("jnp.clip", ["min_val", "max_val", "inplace"], {"min_val": "min", "max_val": "max", "inplace": None}),
    "softplus": ("torch_softplus", ["beta", "threshold"], {}),
    "tanhshrink": (None, [], {}),
    "threshold": (None, ["threshold", "value", "inplace"], {}),
    "gelu": ("jax.nn.gelu", ["approximate"], {}),
}
MODULES = {
    "ReLU": "relu",
    "ReLU6": "relu6",
    "Sigmoid": "sigmoid",
    "Tanh": "tanh",
    "SiLU": "silu",
    "Mish": "mish",
    "SELU": "selu",
    "Hardswish": "hardswish",
    "Hardsigmoid": "hardsigmoid",
    "LogSigmoid": "logsigmoid",
    "Softsign": "softsign",
    "LeakyReLU": "leaky_relu",
    "ELU": "elu",
    "CELU": "celu",
    "Softmax": "softmax",
    "LogSoftmax": "log_softmax",
    "Softmin": "softmin",
    "GLU": "glu",
    "Hardtanh": "hardtanh",
    "Softplus": "softplus",
    "Tanhshrink": "tanhshrink",
    "Threshold": "threshold",
    "GELU": "gelu",
}
DEFAULTS = {"hardtanh": {"min": "-1.0", "max": "1.0"}, "glu": {"axis": "-1"}, "leaky_relu": {}}


def _activation_call(name: str, x: cst.BaseExpression | None, b: dict, ctx):
    """The JAX call for activation `name` with bound torch args `b`; x None builds a partial/lambda."""
    callee, params, renames = ACTIVATIONS[name]
    kwargs: dict[str, cst.BaseExpression] = {}
    if name == "gelu":
        approx = b.get("approximate")
        exact = True
        if approx is not None:
            try:
                exact = literal(approx) == "none"
            except ValueError:  # a variable (a layer class's parameter): torch accepts 'none' or 'tanh'
                kwargs["approximate"] = cst.Comparison(
                    approx, [cst.ComparisonTarget(cst.Equal(), cst.SimpleString("'tanh'"))]
                )
        kwargs.setdefault("approximate", expr("False" if exact else "True"))
    elif name == "tanhshrink":
        ctx.use("jnp")
        body = (
            expr("x - jnp.tanh(x)") if x is None else cst.BinaryOperation(x, cst.Subtract(), call("jnp.tanh", [arg(x)]))
        )
        return cst.Lambda(params=cst.Parameters([cst.Param(cst.Name("x"))]), body=body) if x is None else body
    elif name == "threshold":
        ctx.use("jnp")
        th, val = b.get("threshold"), b.get("value")
        if th is None or val is None:
            return None
        inner = x if x is not None else cst.Name("x")
        body = call(
            "jnp.where",
            [arg(cst.Comparison(inner, [cst.ComparisonTarget(cst.GreaterThan(), th)])), arg(inner), arg(val)],
        )
        return cst.Lambda(params=cst.Parameters([cst.Param(cst.Name("x"))]), body=body) if x is None else body
    else:
        for key, value in b.items():
            target = renames.get(key, key)
            if target is None:
                continue
            kwargs[target] = value
        for key, value in DEFAULTS.get(name, {}).items():
            kwargs.setdefault(key, expr(value))
    if name == "softmin":
        inner = x if x is not None else cst.Name("x")
        body = call(
            "jax.nn.softmax", [arg(cst.UnaryOperation(cst.Minus(), inner))] + [arg(v, k) for k, v in kwargs.items()]
        )
        ctx.use("jax")
        return cst.Lambda(params=cst.Parameters([cst.Param(cst.Name("x"))]), body=body) if x is None else body
    if callee == "torch_softplus":
        fn = ctx.helper("torch_softplus")
    else:
        ctx.use(callee.split(".")[0])
        fn = expr(callee)
    if x is not None:
        return call(fn, [arg(x)] + [arg(v, k) for k, v in kwargs.items()])
    if not kwargs:
        return fn
    ctx.use("functools")
    return call("functools.partial", [arg(fn)] + [arg(v, k) for k, v in kwargs.items()])


@register
class ActivationFunctions(CallRule):
    """torch.relu / F.relu / F.gelu(approximate=...) / F.softmax(dim) / F.leaky_relu(x, slope) / ..."""

    targets = tuple(f"torch.nn.functional.{n}" for n in ACTIVATIONS) + tuple(
        f"torch.{n}" for n in ("relu", "sigmoid", "tanh", "selu", "celu", "softmax", "log_softmax", "logsigmoid")
    )
    priority = 10
    examples = [
        Example(torch="y = F.gelu(x)", jax="y = jax.nn.gelu(x, approximate=False)", inputs={"x": [4, 8]}),
        Example(
            torch="y = F.gelu(x, approximate='tanh')", jax="y = jax.nn.gelu(x, approximate=True)", inputs={"x": [4, 8]}
        ),
        Example(
            torch="y = F.softmax(x, dim=1) + F.leaky_relu(x, 0.2) + torch.tanh(x)",
            jax="y = jax.nn.softmax(x, axis=1) + jax.nn.leaky_relu(x, negative_slope=0.2) + jnp.tanh(x)",
            inputs={"x": [4, 8]},
        ),
        Example(
            torch="y = F.softplus(x, beta=2.0) + F.hardtanh(x)",
            jax="y = torch_softplus(x, beta=2.0) + jnp.clip(x, min=-1.0, max=1.0)",
            inputs={"x": [4, 8]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        params = ["input"] + ACTIVATIONS[name][1]
        b = bind(node, params)
        if b is None or "input" not in b:
            return None
        x = b.pop("input")
        return _activation_call(name, x, b, ctx)


@register
class ActivationModules(CallRule):
    """nn.ReLU() -> jax.nn.relu, nn.GELU() -> functools.partial(jax.nn.gelu, approximate=False), ...
    (plain callables: nnx.Sequential and attributes take them as they are)."""

    targets = tuple(f"torch.nn.{n}" for n in MODULES)
    examples = [
        Example(
            torch="self.act = nn.GELU()\ny = self.act(x)",
            jax="self.act = functools.partial(jax.nn.gelu, approximate=False)\ny = self.act(x)",
            inputs={"x": [4, 8]},
        ),
        Example(
            torch="self.act = nn.LeakyReLU(0.1)\ny = self.act(x)",
            jax="self.act = functools.partial(jax.nn.leaky_relu, negative_slope=0.1)\ny = self.act(x)",
            inputs={"x": [4, 8]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = MODULES[qualname.rsplit(".", 1)[1]]
        b = bind(node, ACTIVATIONS[name][1])
        if b is None:
            return None
        return _activation_call(name, None, b, ctx)


# functions used as values (`self.activation = F.gelu`) -> a callable with torch's signature
FUNCTION_VALUES = {
    "gelu": "input, approximate='none'",
    "leaky_relu": "input, negative_slope=0.01, inplace=False",
    "elu": "input, alpha=1.0, inplace=False",
}


@register
class ActivationFunctionValue(AttributeRule):
    """`F.gelu` / `F.relu` / `torch.tanh` as a value (not called) -> the JAX function when torch's takes only
    the input (and `inplace`), else a lambda with torch's signature (F.gelu is exact, not jax's tanh form)."""

    targets = tuple(
        f"torch.nn.functional.{n}"
        for n, (callee, params, _) in ACTIVATIONS.items()
        if n in FUNCTION_VALUES or (callee and callee.startswith("j") and set(params) <= {"inplace"})
    ) + tuple(f"torch.{n}" for n in ("relu", "sigmoid", "tanh"))
    examples = [
        Example(
            torch="self.act = F.gelu\ny = self.act(x) + self.act(x, approximate='tanh')",
            jax="self.act = (lambda input, approximate='none': jax.nn.gelu(input, approximate=approximate == 'tanh'))\n"
            "y = self.act(x) + self.act(x, approximate='tanh')",
            inputs={"x": (2, 4)},
        ),
        Example(
            torch="self.act = F.relu\ny = self.act(x) * torch.tanh(x)",
            jax="self.act = jax.nn.relu\ny = self.act(x) * jnp.tanh(x)",
            inputs={"x": (2, 4)},
        ),
    ]

    def rewrite(self, node, ctx, qualname):
        from t2j.rules.engine import translate_rules

        name = qualname.rsplit(".", 1)[-1]
        if name not in FUNCTION_VALUES:
            callee = ACTIVATIONS[name][0]
            ctx.use(callee.split(".")[0])
            return expr(callee)
        params = FUNCTION_VALUES[name]
        forwarded = ", ".join(p.split("=")[0] for p in params.split(", ")[1:] if not p.startswith("inplace"))
        text = f"import torch.nn.functional as F\nf = lambda {params}: F.{name}(input, {forwarded})\n"
        inner = translate_rules(text, bare=True)
        if inner.diagnostics:
            return None
        body = inner.code.strip().split("=", 1)[1].strip()
        ctx.use("jax")
        return cst.parse_expression(f"({body})")
