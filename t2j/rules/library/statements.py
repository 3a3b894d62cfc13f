"""Statement-level rewrites: in-place ops and item assignment -> rebinding with .at[], torch.no_grad,
register_buffer, nn.init calls."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.analyze.source import MODULE_SCOPE
from t2j.rules.base import CallRule, Example, FunctionRule, MethodRule, Rebind, StatementRule, WithRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, is_string, keyword, literal, positional
from t2j.rules.tensor_ops import tensor_op

INPLACE_BINARY = {
    "add_": "add",
    "sub_": "sub",
    "mul_": "mul",
    "div_": "div",
    "pow_": "pow",
    "clamp_": "clamp",
    "clip_": "clamp",
    "masked_fill_": "masked_fill",
    "scatter_": "scatter",
    "scatter_add_": "scatter_add",
    "clamp_min_": "clamp_min",
    "clamp_max_": "clamp_max",
    "unsqueeze_": "unsqueeze",
    "squeeze_": "squeeze",
    "t_": "t",
    "transpose_": "transpose",
}
INPLACE_UNARY = {
    "relu_": "jax.nn.relu",
    "sigmoid_": "jax.nn.sigmoid",
    "tanh_": "jnp.tanh",
    "exp_": "jnp.exp",
    "log_": "jnp.log",
    "sqrt_": "jnp.sqrt",
    "abs_": "jnp.abs",
    "neg_": "jnp.negative",
    "zero_": "jnp.zeros_like",
    "floor_": "jnp.floor",
    "ceil_": "jnp.ceil",
    "round_": "jnp.round",
}


@register
class InplaceMethods(MethodRule):
    """x.add_(y), x.mul_(2), x.relu_(), x.copy_(y), x.fill_(v), ... -> the functional value; as a statement
    the receiver is rebound (`x = x + y`)."""

    methods = tuple(INPLACE_BINARY) + tuple(INPLACE_UNARY) + ("copy_", "fill_", "normal_", "uniform_")
    examples = [
        Example(
            torch="y = x * 1\ny.mul_(2.0)\ny.add_(x, alpha=0.5)\ny.relu_()",
            jax="y = x * 1\ny = y * 2.0\ny = y + (0.5 * x)\ny = jax.nn.relu(y)",
            inputs={"x": [3, 4]},
        ),
        Example(
            torch="class Meter:\n    def update(self, v):\n        self.add_(v)",
            jax="class Meter:\n    def update(self, v):\n        self.add_(v)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | Rebind | None:
        if name in ("normal_", "uniform_"):
            return None
        if name in INPLACE_UNARY:
            callee = INPLACE_UNARY[name]
            ctx.use(callee.split(".")[0])
            out = call(callee, [arg(receiver)])
        elif name == "copy_":
            out = node.args[0].value
        elif name == "fill_":
            ctx.use("jnp")
            out = call("jnp.full_like", [arg(receiver), arg(node.args[0].value)])
        else:
            out = tensor_op(INPLACE_BINARY[name], receiver, list(node.args), ctx)
            if out is None:
                return None
        return Rebind(out, receiver)


@register
class RebindInplace(StatementRule):
    """A bare in-place call statement `x.add_(y)` becomes `x = <value>`."""

    examples = [
        Example(torch="y = x * 1\ny.add_(x)", jax="y = x * 1\ny = y + x", inputs={"x": [3, 4]}),
        Example(  # in-place on a slice (torchvision's Swin V2 zeroes a cloned bias's middle third): a new array
            torch="b = x.clone()\nb[:, 1:3].zero_()\ny = b * x",
            jax="b = x\nb = b.at[:, 1:3].set(jnp.zeros_like(b[:, 1:3]))\ny = b * x",
            inputs={"x": [3, 4]},
        ),
        Example(  # a Linear's torch weight (out, in) is nnx's kernel (in, out): the copy is transposed back
            torch="class M(nn.Module):\n    def __init__(self, w):\n        super().__init__()\n"
            "        self.fc = nn.Linear(4, 3)\n        self.fc.weight.data.copy_(w)\n        self.fc.weight.data.mul_(2.0)",
            jax="class M(nnx.Module):\n    def __init__(self, w, *, rngs: nnx.Rngs):\n"
            "        self.fc = nnx.Linear(4, 3, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\n"
            "        self.fc.kernel[...] = w.T\n        self.fc.kernel[...] = (self.fc.kernel.T * 2.0).T",
            verify=False,
        ),
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        if len(node.body) != 1 or not isinstance(node.body[0], cst.Expr):
            return None
        value = node.body[0].value
        target = ctx.statement.rebind if ctx.statement is not None else None
        if target is None:
            return None
        if (
            isinstance(target, cst.Attribute)
            and dotted(target)
            and dotted(target).startswith("self.")
            and ctx.in_module_class
        ):
            # a Variable attribute (buffer/parameter): update its value in place; `fc.kernel.T` (torch's layout
            # of a Linear weight, LayerWeights) is updated on the kernel with the value transposed back
            if target.attr.value == "T" and isinstance(target.value, cst.Attribute):
                if not isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
                    value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                target, value = target.value, cst.Attribute(value=value, attr=cst.Name("T"))
            target = cst.Subscript(value=target, slice=[cst.SubscriptElement(cst.Index(cst.Ellipsis()))])
        elif isinstance(target, cst.Subscript) and (base := _array_name(target.value, ctx)) is not None:
            # `b[i:j].zero_()` on a local array (or a parameter passed in): a new array, never a write into it
            return [node.with_changes(body=[_at_update(base, target.slice, "set", value)])]
        assign = cst.Assign(targets=[cst.AssignTarget(target)], value=value)
        return [node.with_changes(body=[assign])]


AUG = {
    cst.AddAssign: "add",
    cst.SubtractAssign: "subtract",
    cst.MultiplyAssign: "multiply",
    cst.DivideAssign: "divide",
    cst.PowerAssign: "power",
}


def _array_name(node: cst.BaseExpression, ctx: Context) -> cst.Name | None:
    """The name subscripted by an item assignment when it holds an array (not a list/dict, not `self`)."""
    if not isinstance(node, cst.Name):
        return None
    frame = ctx.function
    containers = frame.local_containers if frame is not None else ctx.info.containers.get(MODULE_SCOPE, set())
    return None if node.value in containers or node.value == "self" else node


def _at_update(
    base: cst.Name, index: Sequence[cst.SubscriptElement], method: str, value: cst.BaseExpression
) -> cst.Assign:
    """`base = base.at[index].<method>(value)`."""
    at = cst.Subscript(value=cst.Attribute(value=base, attr=cst.Name("at")), slice=index)
    return cst.Assign(
        targets=[cst.AssignTarget(base)], value=call(cst.Attribute(value=at, attr=cst.Name(method)), [arg(value)])
    )


@register
class ItemAssignment(StatementRule):
    """`x[i] = v` -> `x = x.at[i].set(v)`; `x[i] += v` -> `x = x.at[i].add(v)` (lists and dicts stay)."""

    examples = [
        Example(
            torch="y = x * 1\ny[:, 0] = 0.0\ny[1:, -1] += x[1:, 0]",
            jax="y = x * 1\ny = y.at[:, 0].set(0.0)\ny = y.at[1:, -1].add(x[1:, 0])",
            inputs={"x": [3, 4]},
        ),
        # a dict stays a dict, annotated or not (torchvision's `layers: OrderedDict = OrderedDict()`)
        Example(
            torch="def blocks(n):\n    layers: OrderedDict = OrderedDict()\n    layers['a'] = n\n    return layers",
            jax="from collections import OrderedDict\ndef blocks(n):\n    layers: OrderedDict = OrderedDict()\n"
            "    layers['a'] = n\n    return layers",
            imports="from collections import OrderedDict",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        if len(node.body) != 1:
            return None
        small = node.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value, method = small.targets[0].target, small.value, "set"
        elif isinstance(small, cst.AugAssign) and type(small.operator) in AUG:
            target, value, method = small.target, small.value, AUG[type(small.operator)]
        else:
            return None
        if not isinstance(target, cst.Subscript):
            return None
        base = _array_name(target.value, ctx)
        if base is None:
            return None
        return [node.with_changes(body=[_at_update(base, target.slice, method, value)])]


@register
class NoGrad(WithRule):
    """`with torch.no_grad():` / `torch.inference_mode()` / `torch.enable_grad()` -> the body (JAX computes
    gradients only where asked)."""

    examples = [Example(torch="with torch.no_grad():\n    y = x * 2", jax="y = x * 2", inputs={"x": [3]})]

    def rewrite(
        self, node: cst.With, ctx: Context
    ) -> cst.BaseStatement | cst.FlattenSentinel | cst.RemovalSentinel | None:
        names = [ctx.info.qualname(item.item.func) if isinstance(item.item, cst.Call) else None for item in node.items]
        if not all(n in GRAD_CONTEXTS for n in names):
            return None
        body = list(node.body.body)
        if not body:
            return cst.RemovalSentinel.REMOVE
        body[0] = body[0].with_changes(leading_lines=list(node.leading_lines) + list(body[0].leading_lines))
        return cst.FlattenSentinel(body)


GRAD_CONTEXTS = (
    "torch.no_grad",
    "torch.inference_mode",
    "torch.enable_grad",
    "torch.set_grad_enabled",
    "torch.autocast",
    "torch.cuda.amp.autocast",
    "torch.amp.autocast",
    "torch.cpu.amp.autocast",
)
ENVIRONMENT_CALLS = (
    "torch.set_grad_enabled",
    "torch.set_num_threads",
    "torch.use_deterministic_algorithms",
    "torch.set_printoptions",
    "torch.cuda.manual_seed",
    "torch.cuda.manual_seed_all",
    "torch.set_default_dtype",
    "torch.autograd.set_detect_anomaly",
    "torch.set_float32_matmul_precision",
)


@register
class GradContextCalls(CallRule):
    """`torch.no_grad()` & co. and environment settings are recognised here; the With/statement/decorator
    rules remove them (JAX computes gradients only where asked; there is no global state to set)."""

    targets = GRAD_CONTEXTS + ENVIRONMENT_CALLS
    examples = [Example(torch="with torch.no_grad():\n    y = x * 2", jax="y = x * 2", inputs={"x": [3]})]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        return node


@register
class NoGradDecorators(FunctionRule):
    """`@torch.no_grad()` / `@torch.inference_mode()` decorators are dropped."""

    examples = [Example(torch="@torch.no_grad()\ndef f(x):\n    return x", jax="def f(x):\n    return x", verify=False)]

    def rewrite(self, node: cst.FunctionDef, ctx: Context) -> cst.FunctionDef | None:
        kept = [
            d
            for d in node.decorators
            if (
                ctx.info.qualname(d.decorator.func)
                if isinstance(d.decorator, cst.Call)
                else ctx.info.qualname(d.decorator)
            )
            not in GRAD_CONTEXTS
        ]
        if len(kept) == len(node.decorators):
            return None
        return node.with_changes(decorators=kept)


@register
class NoGradDecorator(StatementRule):
    """Statements `torch.set_grad_enabled(False)`, `torch.backends...` flags and `model.to(device)` alone
    are dropped."""

    examples = [Example(torch="torch.set_grad_enabled(False)\ny = x", jax="y = x", inputs={"x": [2]})]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        if len(node.body) != 1:
            return None
        small = node.body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            q = ctx.info.qualname(small.value.func)
            if q in ENVIRONMENT_CALLS:
                return []
            func = small.value.func
            if isinstance(func, cst.Attribute) and func.attr.value in ("to", "cuda", "cpu") and q is None:
                return []
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Attribute)
        ):
            q = ctx.info.qualname(small.targets[0].target)
            if q and q.startswith("torch.backends."):
                return []
        return None


@register
class RegisterBuffer(CallRule):
    """`self.register_buffer("name", t)` -> `setattr(self, "name", nnx.Variable(t))` (a statement
    `self.name = nnx.Variable(t)`); ported by name like torch's buffer."""

    targets = ()
    examples = [
        Example(
            torch="self.register_buffer('offset', torch.ones(4))\ny = x + self.offset",
            jax="self.offset = nnx.Variable(jnp.ones(4))\ny = x + self.offset[...]",
            inputs={"x": [2, 4]},
        ),
        Example(
            torch="store.register_buffer('offset', torch.ones(4))",
            jax="store.register_buffer('offset', jnp.ones(4))",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if dotted(node.func) not in ("self.register_buffer", "self.register_parameter"):
            return None
        pos = positional(node)
        name = keyword(node, "name") or (pos[0] if pos else None)
        value = keyword(node, "tensor") or keyword(node, "param") or (pos[1] if len(pos) > 1 else None)
        if name is None or value is None:
            return None
        wrapper = "nnx.Variable" if node.func.attr.value == "register_buffer" else "nnx.Param"
        if wrapper == "nnx.Variable" and ctx.classes and is_string(name.value):
            ctx.buffers.setdefault(ctx.classes[-1].name, set()).add(literal(name.value))
        v = value.value
        if isinstance(v, cst.Call) and dotted(v.func) in ("nnx.Param",):
            v = v.args[0].value
        if isinstance(v, cst.Name) and v.value == "None":
            return call("setattr", [arg("self"), arg(name.value), arg("None")])
        new = call(wrapper, [arg(v)])
        return call("setattr", [arg("self"), arg(name.value), arg(new)])


@register
class SetattrLiteral(StatementRule):
    """`setattr(self, "name", v)` with a literal name -> `self.name = v` (reads better)."""

    examples = [
        Example(
            torch="setattr(self, 'scale', nn.Parameter(torch.ones(4)))\ny = x * self.scale",
            jax="self.scale = nnx.Param(jnp.ones(4))\ny = x * self.scale",
            inputs={"x": [2, 4]},
        ),
        Example(
            torch="def build(self, name):\n    setattr(self, name, 2.0)",
            jax="def build(self, name):\n    setattr(self, name, 2.0)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        if len(node.body) != 1 or not isinstance(node.body[0], cst.Expr):
            return None
        c = node.body[0].value
        if not (
            isinstance(c, cst.Call)
            and isinstance(c.func, cst.Name)
            and c.func.value == "setattr"
            and len(c.args) == 3
            and isinstance(c.args[1].value, cst.SimpleString)
            and dotted(c.args[0].value) == "self"
        ):
            return None
        name = c.args[1].value.evaluated_value
        if not name.isidentifier():
            return None
        target = cst.Attribute(value=cst.Name("self"), attr=cst.Name(name))
        return [node.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(target)], value=c.args[2].value)])]


@register
class WeightInit(StatementRule):
    """`nn.init.*_(w, ...)` statements: weights come from the torch model when ported, so these are
    removed and listed in the diagnostics (marked in the code)."""

    examples = [
        Example(
            torch="nn.init.zeros_(w)\ny = x",
            jax="pass  # t2j: not translated: torch.nn.init.zeros_\ny = x",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        if (
            len(node.body) != 1
            or not isinstance(node.body[0], cst.Expr)
            or not isinstance(node.body[0].value, cst.Call)
        ):
            return None
        q = ctx.info.qualname(node.body[0].value.func)
        if not q or not q.startswith("torch.nn.init."):
            return None
        # the engine already marked the call as not translated (diagnostic + comment); keep a visible no-op
        return [cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=node.leading_lines)]
