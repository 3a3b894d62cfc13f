"""TorchScript, FX and logging idioms of library code, which have no meaning once the code is JAX.

torchvision and friends guard paths for TorchScript (`torch.jit.is_scripting()`), mark methods for it
(`@torch.jit.unused`), log API usage (`torch._C._log_api_usage_once`), register FX leaves
(`torch.fx.wrap`) and assert shapes with `torch._assert`. Under JAX none of these scripting/tracing modes
exist: the predicates are False, the markers and logging calls go, and `torch._assert` is an `assert`
(checked on static shapes at trace time, like torch's eager check)."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted

from t2j.rules.base import (
    AttributeRule,
    CallRule,
    Example,
    FunctionRule,
    StatementRule,
    register,
)

MODE_PREDICATES = (
    "torch.jit.is_scripting",
    "torch.jit.is_tracing",
    "torch.compiler.is_compiling",
    "torch._dynamo.is_compiling",
    "torch.onnx.is_in_onnx_export",
    "torch.fx._symbolic_trace.is_fx_tracing",
)
NO_OP_CALLS = ("torch._C._log_api_usage_once", "torch.fx.wrap")
JIT_DECORATORS = (
    "torch.jit.unused",
    "torch.jit.export",
    "torch.jit.ignore",
    "torch.jit._overload_method",
    "torch.jit._overload",
    "torch.fx.wrap",
    "torch.no_grad",
)
IDENTITY_CALLS = {"torch.jit.script": 0, "torch.jit.annotate": 1, "torch.compile": 0}


@register
class ScriptingPredicates(CallRule):
    """`torch.jit.is_scripting()`, `is_tracing()`, `torch.compiler.is_compiling()`... -> `False`."""

    targets = MODE_PREDICATES
    examples = [
        Example(
            torch="y = x * 2 if not torch.jit.is_scripting() else x",
            jax="y = x * 2 if not False else x",
            inputs={"x": [3]},
        )
    ]

    def rewrite(self, node, ctx, qualname):
        return cst.Name("False")


@register
class ScriptIdentity(CallRule):
    """`torch.jit.script(f)` / `torch.compile(f)` -> `f`; `torch.jit.annotate(T, v)` -> `v`."""

    targets = tuple(IDENTITY_CALLS)
    examples = [Example(torch="y = torch.jit.annotate(List[int], [])", jax="y = []", verify=False)]

    def rewrite(self, node, ctx, qualname):
        at = IDENTITY_CALLS[qualname]
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if len(positional) <= at:
            return None
        if qualname == "torch.compile" and len(node.args) > 1:
            return None  # compile options: left for a person (jax.jit is the equivalent)
        return positional[at].value


@register
class NoOpCalls(CallRule):
    """`torch._C._log_api_usage_once(...)`, `torch.fx.wrap(...)` and `torch._assert(...)` are recognised
    here; `DropNoOpStatements` and `TorchAssert` rewrite the statements (used as a value, the leftover check
    marks them)."""

    targets = NO_OP_CALLS + ("torch._assert",)
    examples = [Example(torch="torch.fx.wrap('helper')\ny = x + 1", jax="y = x + 1", verify=False)]

    def rewrite(self, node, ctx, qualname):
        return node


@register
class DropNoOpStatements(StatementRule):
    """A statement that only calls `torch._C._log_api_usage_once(...)` or `torch.fx.wrap(...)` is removed."""

    examples = [
        Example(
            torch="torch._C._log_api_usage_once('torchvision.models.ResNet')\ny = x + 1", jax="y = x + 1", verify=False
        )
    ]

    def rewrite(self, node, ctx):
        if (
            len(node.body) != 1
            or not isinstance(node.body[0], cst.Expr)
            or not isinstance(node.body[0].value, cst.Call)
        ):
            return None
        if ctx.info.qualname(node.body[0].value.func) not in NO_OP_CALLS:
            return None
        return []


@register
class TorchAssert(StatementRule):
    """`torch._assert(cond, message)` -> `assert cond, message`."""

    examples = [
        Example(
            torch="torch._assert(x.shape[0] == 3, 'three rows')\ny = x + 1",
            jax="assert x.shape[0] == 3, 'three rows'\ny = x + 1",
            inputs={"x": [3]},
        )
    ]

    def rewrite(self, node, ctx):
        if (
            len(node.body) != 1
            or not isinstance(node.body[0], cst.Expr)
            or not isinstance(node.body[0].value, cst.Call)
        ):
            return None
        c = node.body[0].value
        if ctx.info.qualname(c.func) != "torch._assert" or len(c.args) not in (1, 2) or any(a.keyword for a in c.args):
            return None
        message = c.args[1].value if len(c.args) == 2 else None
        return [node.with_changes(body=[cst.Assert(test=c.args[0].value, msg=message)])]


@register
class JitDecoratorNames(AttributeRule):
    """`torch.jit.unused` & co. as decorators are recognised here; `DropJitDecorators` removes them."""

    targets = JIT_DECORATORS
    examples = [
        Example(torch="@torch.jit.export\ndef f(x):\n    return x", jax="def f(x):\n    return x", verify=False)
    ]

    def rewrite(self, node, ctx, qualname):
        return node


@register
class DropJitDecorators(FunctionRule):
    """`@torch.jit.unused`, `@torch.jit.export`, `@torch.jit.ignore`, `@torch.jit._overload_method` are
    dropped (an overload stub is then an ordinary def that the real one, defined after it, replaces)."""

    examples = [
        Example(torch="@torch.jit.unused\ndef f(x):\n    return x", jax="def f(x):\n    return x", verify=False)
    ]

    def rewrite(self, node, ctx):
        def name(d: cst.Decorator):
            target = d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator
            return ctx.info.qualname(target)

        kept = [d for d in node.decorators if name(d) not in JIT_DECORATORS or name(d) == "torch.no_grad"]
        if len(kept) == len(node.decorators):
            return None
        return node.with_changes(decorators=kept)


NOT_TENSORS = ("self", "args", "config", "cfg", "opt", "opts", "hparams", "params", "settings")  # `.device` settings


@register
class DeviceAttributes(AttributeRule):
    """`x.device` -> `None` (JAX places arrays itself; `device=None` is every jnp constructor's default and
    `.to(None)` is dropped); `x.is_cuda` / `x.is_xpu` / `x.is_mps` -> `False`. A configuration's `.device`
    (`self.device`, `args.device`, `config.device`) is left alone."""

    attributes = ("device", "is_cuda", "is_xpu", "is_mps")
    examples = [
        Example(
            torch="device = x.device\ny = torch.arange(4, device=device) + x.to(x.device)",
            jax="device = None\ny = jnp.arange(4) + x",
            inputs={"x": [4]},
        ),
        Example(torch="y = x if x.is_cuda else -x", jax="y = x if False else -x", inputs={"x": [4]}),
        Example(
            torch="class Trainer:\n    def where(self):\n        return self.device, args.device",
            jax="class Trainer:\n    def where(self):\n        return self.device, args.device",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node, ctx, qualname):
        receiver = dotted(node.value)
        if receiver is not None and receiver.split(".")[0] in NOT_TENSORS and receiver.count(".") == 0:
            return None
        return cst.Name("None" if node.attr.value == "device" else "False")
