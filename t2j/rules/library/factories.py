"""Layer classes and factories used as values, as model code passes them around.

`norm_layer = nn.BatchNorm2d`, `activation=nn.ReLU`, `partial(nn.LayerNorm, eps=1e-6)`, `norm_layer or
nn.BatchNorm2d`, `block=BasicBlock`: the value is called later, with torch's arguments, where the rules
cannot see which class it is. A torch layer class used as a value becomes a lambda with torch's signature
whose body is what the rules make of the call (so `norm_layer(planes)` builds the same layer a direct
`nn.BatchNorm2d(planes)` would); calling a factory (a parameter, or a local bound to a name, attribute,
`a or b` or `partial(...)`) where layers are built passes `rngs` on."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import AttributeRule, CallRule, ClassRule, Example, StatementRule, register
from t2j.rules.cstutil import arg, code, keyword

_NORM = "eps=1e-05, momentum=0.1, affine=True, track_running_stats=True"
_NORM_CALL = "eps=eps, momentum=momentum, affine=affine, track_running_stats=track_running_stats"
_CONV = "stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros'"
_CONV_CALL = "stride, padding, dilation, groups, bias, padding_mode"
_INPLACE = ("inplace=False", "inplace")
# torch layer -> (the lambda's parameters: torch's, device/dtype left out; the arguments of the call)
SIGNATURES = {
    **{f"BatchNorm{d}d": (f"num_features, {_NORM}", f"num_features, {_NORM_CALL}") for d in (1, 2, 3)},
    **{
        f"InstanceNorm{d}d": (
            "num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False",
            f"num_features, {_NORM_CALL}",
        )
        for d in (1, 2, 3)
    },
    "LayerNorm": (
        "normalized_shape, eps=1e-05, elementwise_affine=True, bias=True",
        "normalized_shape, eps=eps, elementwise_affine=elementwise_affine, bias=bias",
    ),
    "GroupNorm": (
        "num_groups, num_channels, eps=1e-05, affine=True",
        "num_groups, num_channels, eps=eps, affine=affine",
    ),
    **{
        f"Conv{d}d": (
            f"in_channels, out_channels, kernel_size, {_CONV}",
            f"in_channels, out_channels, kernel_size, {_CONV_CALL}",
        )
        for d in (1, 2, 3)
    },
    "Linear": ("in_features, out_features, bias=True", "in_features, out_features, bias"),
    **{name: _INPLACE for name in ("ReLU", "ReLU6", "SiLU", "Hardswish", "Hardsigmoid", "Mish")},
    "Sigmoid": ("", ""),
    "Tanh": ("", ""),
    "LeakyReLU": ("negative_slope=0.01, inplace=False", "negative_slope, inplace"),
    "ELU": ("alpha=1.0, inplace=False", "alpha, inplace"),
    "Dropout": ("p=0.5, inplace=False", "p, inplace"),
    "GELU": ("approximate='none'", "approximate=approximate"),
    "Identity": ("*args, **kwargs", ""),
}


# torch layers a user class may derive from -> the emitted helper with torch's constructor and attribute names
BASES = {
    "LayerNorm": "TorchLayerNorm",
    "GroupNorm": "TorchGroupNorm",
    **{f"BatchNorm{d}d": "TorchBatchNorm" for d in (1, 2, 3)},
    **{f"Conv{d}d": "TorchConv" for d in (1, 2, 3)},
    **{f"InstanceNorm{d}d": "TorchInstanceNorm" for d in (1, 2, 3)},
}
# ... and what the subclass's `super().__init__(...)` adds for that helper (SuperInit passes them on)
BASE_ARGUMENTS = {f"Conv{d}d": {"ndim": str(d)} for d in (1, 2, 3)}


def _lambda_text(name: str) -> str:
    params, call_args = SIGNATURES[name]
    params = (
        f"{params}, *, rngs=None"
        if params and not params.startswith("*")
        else ("*args, rngs=None, **kwargs" if params else "*, rngs=None")
    )
    return f"lambda {params}: nn.{name}({call_args})"


@register
class LayerClassValue(AttributeRule):
    """`nn.BatchNorm2d` (a torch layer class as a value, not called) -> a lambda with torch's signature that
    builds what the rules build for the call, taking `rngs`."""

    targets = tuple(f"torch.nn.{name}" for name in SIGNATURES)
    examples = [
        Example(
            torch="self.norm_layer = nn.LayerNorm\nself.norm = self.norm_layer(4)\ny = self.norm(x)",
            jax="self.norm_layer = (lambda normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, *, "
            "rngs=None: TorchLayerNorm(normalized_shape, eps=eps, elementwise_affine=elementwise_affine, "
            "bias=bias, rngs=rngs))\nself.norm = self.norm_layer(4, rngs=rngs)\ny = self.norm(x)",
            inputs={"x": (2, 4)},
        ),
        Example(
            torch="class LayerNorm2d(nn.LayerNorm):\n    def forward(self, x):\n        x = x.permute(0, 2, 3, 1)\n"
            "        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)\n"
            "        return x.permute(0, 3, 1, 2)",
            jax="class LayerNorm2d(TorchLayerNorm):\n    def __call__(self, x):\n        x = jnp.transpose(x, (0, 2, 3, 1))\n"
            "        x = torch_layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)\n"
            "        return jnp.transpose(x, (0, 3, 1, 2))",
            verify=False,
        ),
        # a conv subclass (torchvision's video ResNet Conv3DSimple): TorchConv, told its dimension by the super call
        Example(
            torch="class Conv3x3(nn.Conv2d):\n    def __init__(self, c):\n"
            "        super().__init__(in_channels=c, out_channels=c, kernel_size=3, padding=1, bias=False)",
            jax="class Conv3x3(TorchConv):\n    def __init__(self, c, *, rngs: nnx.Rngs):\n"
            "        super().__init__(in_channels=c, out_channels=c, kernel_size=3, padding=1, bias=False, ndim=2, "
            "rngs=rngs)",
            verify=False,
        ),
    ]

    def rewrite(self, node, ctx, qualname):
        name = qualname.rsplit(".", 1)[-1]
        if ctx.in_base:  # `class LayerNorm2d(nn.LayerNorm)`: the torch-exact helper, which keeps torch's attributes
            if name not in BASES:
                return None
            if ctx.classes:
                ctx.classes[-1].base_arguments.update(BASE_ARGUMENTS.get(name, {}))
            return ctx.helper(BASES[name])
        return _layer_lambda(name, ctx)


def _layer_lambda(name: str, ctx) -> cst.BaseExpression | None:
    """What the rules make of the torch layer `name` as a value: a lambda with torch's signature (None when the
    call inside it is not translated, so that the value stays marked)."""
    from t2j.rules.engine import translate_rules

    inner = translate_rules(f"import torch.nn as nn\nf = {_lambda_text(name)}\n", bare=True)
    if inner.diagnostics:
        return None
    for helper in inner.helpers:
        ctx.helper(helper)
    text = inner.code.strip().split("=", 1)[1].strip()
    for module in ("functools", "jax", "jnp", "lax", "np", "math"):
        if f"{module}." in text:
            ctx.use(module)
    return cst.parse_expression(f"({text})")  # parenthesized: safe as an operand (`a or nn.X`)


@register
class LayerCallUnpacked(CallRule):
    """`nn.Dropout(p, **params)`: arguments unpacked from a tuple or dict the rules cannot read -> the layer's
    lambda (LayerClassValue) called with them, so that torch's signature binds them (an unknown key raises)."""

    targets = tuple(f"torch.nn.{name}" for name in SIGNATURES)
    priority = 20
    examples = [
        Example(
            torch="self.drop = nn.Dropout(0.0, **dict(inplace=True))\ny = self.drop(x)",
            jax="self.drop = (lambda p=0.5, inplace=False, *, rngs=None: "
            "nnx.Dropout(p, rngs=rngs))(0.0, **dict(inplace=True), rngs=rngs)\ny = self.drop(x)",
            inputs={"x": (2, 4)},
        ),
        Example(
            torch="self.drop = nn.Dropout(0.1, inplace=True)",
            jax="self.drop = nnx.Dropout(0.1, rngs=rngs)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node, ctx, qualname):
        if not any(a.star for a in node.args) or keyword(node, "rngs") is not None:
            return None
        fn = _layer_lambda(qualname.rsplit(".", 1)[-1], ctx)
        if fn is None:
            return None
        return cst.Call(func=fn, args=[*node.args, arg(ctx.rngs(), "rngs")])


FACTORY_FIELDS = ("block", "_layer")  # a config's `cnf.block(...)`, `spec.norm_layer(...)`


@register
class FactoryCallRngs(CallRule):
    """Where layers are built (rngs in scope), calling a factory -- a parameter, or a local bound to a name,
    an attribute, an item, `a or b` or `partial(...)` (`norm_layer(planes)`, `block(inplanes, planes)`), or a
    config's `cnf.block(...)` / `cfg.norm_layer(...)` -- passes
    `rngs` (the factory is a translated layer class, a user module class, or a partial of one)."""

    examples = [
        Example(
            torch="class Block(nn.Module):\n    def __init__(self, dim, norm_layer=None):\n        super().__init__()\n"
            "        norm_layer = norm_layer or nn.LayerNorm\n        self.norm = norm_layer(dim)",
            jax="class Block(nnx.Module):\n    def __init__(self, dim, norm_layer=None, *, rngs: nnx.Rngs):\n"
            "        norm_layer = norm_layer or (lambda normalized_shape, eps=1e-05, elementwise_affine=True, "
            "bias=True, *, rngs=None: TorchLayerNorm(normalized_shape, eps=eps, "
            "elementwise_affine=elementwise_affine, bias=bias, rngs=rngs))\n"
            "        self.norm = norm_layer(dim, rngs=rngs)",
            verify=False,
        ),
        Example(
            torch="def forward(x, fn):\n    return fn(x)",
            jax="def forward(x, fn):\n    return fn(x)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node, ctx, qualname):
        fn = ctx.function
        if fn is None or not fn.has_rngs or keyword(node, "rngs") is not None:
            return None
        name = dotted(node.func)
        if isinstance(node.func, cst.Name):
            if name not in fn.factories or name in ctx.info.module_classes or name == "rngs":
                return None
        elif name not in ctx.factory_attributes and not (
            name is not None and name.count(".") == 1 and name.rsplit(".", 1)[-1].endswith(FACTORY_FIELDS)
        ):
            return None
        return node.with_changes(args=list(node.args) + [arg(ctx.rngs(), "rngs")])


@register
class FactoryAttributes(StatementRule):
    """Records `self.x = factory` (a parameter or factory local) so that `self.x(...)` in a builder method
    (`norm_layer = self._norm_layer` ... `self._norm_layer(planes)`) passes `rngs` (FactoryCallRngs)."""

    observes_only = True
    examples = [
        Example(
            torch="class Net(nn.Module):\n    def __init__(self, norm_layer=nn.LayerNorm):\n        super().__init__()\n"
            "        self._norm = norm_layer\n        self.norm = self._norm(4)",
            jax="class Net(nnx.Module):\n    def __init__(self, norm_layer=(lambda normalized_shape, eps=1e-05, "
            "elementwise_affine=True, bias=True, *, rngs=None: TorchLayerNorm(normalized_shape, eps=eps, "
            "elementwise_affine=elementwise_affine, bias=bias, rngs=rngs)), *, rngs: nnx.Rngs):\n"
            "        self._norm = norm_layer\n        self.norm = self._norm(4, rngs=rngs)",
            verify=False,
        )
    ]

    def rewrite(self, node, ctx):
        fn = ctx.function
        if fn is None or len(node.body) != 1 or not isinstance(node.body[0], cst.Assign):
            return None
        small = node.body[0]
        value = dotted(small.value)
        is_factory = (
            isinstance(small.value, cst.Lambda)
            or (value is not None and (value in fn.factories or value in ctx.factory_attributes))
            or (isinstance(small.value, cst.Call) and (dotted(small.value.func) or "").split(".")[-1] == "partial")
        )
        if not is_factory:
            return None
        for target in small.targets:
            name = dotted(target.target)
            if name and name.startswith("self.") and name.count(".") == 1:
                ctx.factory_attributes.add(name)
        return None


@register
class SequentialBase(AttributeRule):
    """`nn.Sequential` as a value -- a base class (`class ConvBNAct(nn.Sequential)`, whose
    `super().__init__(*layers)` then builds an nnx.Sequential), an isinstance check -- -> `nnx.Sequential`."""

    targets = ("torch.nn.Sequential",)
    examples = [
        Example(
            torch="class ConvAct(nn.Sequential):\n    def __init__(self, c):\n        layers = [nn.Linear(c, c), nn.ReLU()]\n"
            "        super().__init__(*layers)",
            jax="class ConvAct(nnx.Sequential):\n    def __init__(self, c, *, rngs: nnx.Rngs):\n"
            "        layers = [nnx.Linear(c, c, kernel_init=torch_kernel_init, bias_init=torch_bias_init(c), rngs=rngs), jax.nn.relu]\n        super().__init__(*layers)",
            verify=False,
        )
    ]

    def rewrite(self, node, ctx, qualname):
        return cst.parse_expression("nnx.Sequential")


@register
class SequentialChildAttributes(ClassRule):
    """`class Transition(nn.Sequential)` whose __init__ calls `super().__init__()` and then assigns its children
    (`self.norm = ...`, `self.conv = ...`): torch registers them in that order and runs them; nnx.Sequential
    would ignore them -> TorchNamedSequential base, children added with `self.add_module(name, child)`."""

    examples = [
        Example(
            torch="class Head(nn.Sequential):\n    def __init__(self, c):\n        super().__init__()\n"
            "        self.fc = nn.Linear(c, c)\n        self.act = nn.Tanh()",
            jax="class Head(TorchNamedSequential):\n    def __init__(self, c, *, rngs: nnx.Rngs):\n        super().__init__()\n"
            "        self.add_module('fc', nnx.Linear(c, c, kernel_init=torch_kernel_init, bias_init=torch_bias_init(c), "
            "rngs=rngs))\n        self.add_module('act', jnp.tanh)",
            verify=False,
        ),
        Example(
            torch="class Body(nn.Sequential):\n    def __init__(self, c):\n        super().__init__(nn.Linear(c, c), nn.ReLU())",
            jax="class Body(nnx.Sequential):\n    def __init__(self, c, *, rngs: nnx.Rngs):\n"
            "        super().__init__(nnx.Linear(c, c, kernel_init=torch_kernel_init, bias_init=torch_bias_init(c), "
            "rngs=rngs), jax.nn.relu)",
            verify=False,
            fires=False,
        ),
        # children registered with add_module in a loop (torchvision's RegNet AnyStage): kept in insertion order
        # under torch's names, so `block1-0.…` weights port
        Example(
            torch="class Stage(nn.Sequential):\n    def __init__(self, c, depth):\n        super().__init__()\n"
            "        for i in range(depth):\n            self.add_module(f'block1-{i}', nn.Linear(c, c))\n"
            "        self.add_module('act', nn.Tanh())",
            jax="class Stage(TorchNamedSequential):\n    def __init__(self, c, depth, *, rngs: nnx.Rngs):\n"
            "        super().__init__()\n        for i in range(depth):\n"
            "            self.add_module(f'block1-{i}', nnx.Linear(c, c, kernel_init=torch_kernel_init, "
            "bias_init=torch_bias_init(c), rngs=rngs))\n        self.add_module('act', jnp.tanh)",
            verify=False,  # a class: tests/test_wild_constructs.py verifies it end to end
        ),
        # children given as an OrderedDict (torchvision's RegNet blocks): nnx.Sequential takes them one by one
        Example(
            torch="class Body(nn.Sequential):\n    def __init__(self, c):\n        layers = OrderedDict()\n"
            "        layers['fc'] = nn.Linear(c, c)\n        super().__init__(layers)",
            jax="from collections import OrderedDict\nclass Body(TorchNamedSequential):\n    def __init__(self, c, *, rngs: nnx.Rngs):\n"
            "        layers = OrderedDict()\n        layers['fc'] = nnx.Linear(c, c, kernel_init=torch_kernel_init, "
            "bias_init=torch_bias_init(c), rngs=rngs)\n        super().__init__(layers)",
            imports="from collections import OrderedDict",
            verify=False,
        ),
    ]

    def rewrite(self, node: cst.ClassDef, ctx) -> cst.ClassDef | None:
        if [code(b.value) for b in node.bases] != ["nnx.Sequential"]:
            return None
        body = list(node.body.body)
        at = next(
            (i for i, s in enumerate(body) if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None
        )
        if at is None:
            return None
        old_init = body[at]
        if not isinstance(old_init, cst.FunctionDef) or not isinstance(old_init.body, cst.IndentedBlock):
            return None
        lines = list(old_init.body.body)
        if _built_from_dict(lines):  # `super().__init__(layers)`, layers an OrderedDict of named children
            return node.with_changes(bases=[node.bases[0].with_changes(value=ctx.helper("TorchNamedSequential"))])
        supers = [i for i, s in enumerate(lines) if "super().__init__()" == code(s).strip()]
        if len(supers) != 1:
            return None
        changed = any(_calls_add_module(line) for line in lines[supers[0] + 1 :])
        for i in range(supers[0] + 1, len(lines)):
            child = _child_assignment(lines[i])
            if child is not None:
                name, value = child
                call_text = f"self.add_module({name!r}, {code(value)})"
                lines[i] = lines[i].with_changes(body=[cst.Expr(cst.parse_expression(call_text))])
                changed = True
        if not changed:
            return None
        init = old_init.with_changes(body=old_init.body.with_changes(body=lines))
        body[at] = init
        helper = ctx.helper("TorchNamedSequential")
        base = node.bases[0].with_changes(value=cst.Name(helper) if isinstance(helper, str) else helper)
        return node.with_changes(bases=[base], body=node.body.with_changes(body=body))


def _built_from_dict(lines: list[cst.BaseStatement]) -> bool:
    """__init__ ends in `super().__init__(name)`, `name` bound in it to an OrderedDict/dict of children
    (torchvision's `layers: OrderedDict[str, nn.Module] = OrderedDict()`)."""
    dicts: set[str] = set()
    for line in lines:
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            continue
        small = line.body[0]
        if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            value = small.value
            is_dict = isinstance(value, cst.Dict) or (
                isinstance(value, cst.Call) and code(value.func) in ("OrderedDict", "collections.OrderedDict", "dict")
            )
            if is_dict:
                dicts.update(t.value for t in targets if isinstance(t, cst.Name))
        if (
            isinstance(small, cst.Expr)
            and isinstance(small.value, cst.Call)
            and code(small.value.func) == "super().__init__"
        ):
            args = small.value.args
            if len(args) == 1 and args[0].keyword is None and not args[0].star:
                return isinstance(args[0].value, cst.Name) and args[0].value.value in dicts
    return False


def _calls_add_module(line: cst.BaseStatement) -> bool:
    """The statement (a loop's body included) registers a child with `self.add_module(name, child)`."""
    found = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if code(node.func) == "self.add_module":
                found.append(node)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False  # a nested function's `self` is its own

    line.visit(Finder())
    return bool(found)


def _child_assignment(line: cst.BaseStatement) -> tuple[str, cst.BaseExpression] | None:
    """`self.name = <a layer or function>` (a child of the Sequential) -> (name, value)."""
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or not isinstance(line.body[0], cst.Assign):
        return None
    assign = line.body[0]
    if len(assign.targets) != 1:
        return None
    target = dotted(assign.targets[0].target)
    if not target or not target.startswith("self.") or target.count(".") != 1:
        return None
    if isinstance(assign.value, (cst.Integer, cst.Float, cst.SimpleString, cst.Name, cst.List, cst.Tuple, cst.Dict)):
        return None  # a plain setting, not a child
    return target[5:], assign.value


EINOPS_FUNCTIONS = ("einops.rearrange", "einops.repeat", "einops.reduce")


@register
class EinopsOnParameters(CallRule):
    """`repeat(self.cls_token, ...)`: einops does not know nnx.Param -> `repeat(jnp.asarray(self.cls_token), ...)`
    (a no-op on arrays; the parameter's value otherwise)."""

    targets = EINOPS_FUNCTIONS
    examples = [
        Example(
            torch="self.token = nn.Parameter(torch.randn(1, 4))\ny = repeat(self.token, '1 d -> b d', b=2) + x",
            jax="self.token = nnx.Param(jax.random.normal(rngs.params(), (1, 4)))\n"
            "y = repeat(jnp.asarray(self.token), '1 d -> b d', b=2) + x",
            imports="from einops import repeat",
            inputs={"x": (2, 4)},
        )
    ]

    def rewrite(self, node, ctx, qualname):
        if not node.args or node.args[0].keyword is not None or node.args[0].star:
            return None
        first = dotted(node.args[0].value)
        if first is None or not first.startswith("self.") or first.count(".") != 1:
            return None
        wrapped = node.args[0].with_changes(value=cst.parse_expression(f"jnp.asarray({first})"))
        return node.with_changes(args=[wrapped, *node.args[1:]])
