"""Key threading (t2j.analyze.keys decides where): a top-level function that draws random numbers and may run
more than once takes a keyword-only key, and each call site passes a fresh one; a function where no fresh key
can reach keeps a fixed key of its own, marked."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, FunctionRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, keyword, stmt
from t2j.rules.library.structure import _add_kwonly, _prepend
from t2j.result import UNTRANSLATED_MARK, Diagnostic


@register
class FunctionKey(FunctionRule):
    """A function that draws random numbers starts its own key chain (`key = jax.random.key(0)`), unless it
    takes `key` or seeds one with torch.manual_seed; one that may run more than once (a module's forward or a
    loop calls it) takes a keyword-only key instead, which each call site passes fresh (PassKey; optional, None
    in eval mode, where it has a `training` flag). One that builds layers without an `rngs` parameter starts
    with `rngs = nnx.Rngs(0)` (one stream for all its layers, so no two share an init key)."""

    examples = [
        Example(
            torch="def get_inputs():\n    return [torch.randn(2, 3)]",
            jax="def get_inputs():\n    key = jax.random.key(0)\n    key, k1 = jax.random.split(key)\n"
            "    return [jax.random.normal(k1, (2, 3))]",
            verify=False,
        ),
        # a function that a module's forward calls takes a key: a fixed one would repeat its draws on every call
        Example(
            torch="def noise(x):\n    return torch.randn_like(x)\nclass M(nn.Module):\n    def forward(self, x):\n"
            "        return x + noise(x)",
            jax="def noise(x, *, key: jax.Array):\n    key, k1 = jax.random.split(key)\n"
            "    return jax.random.normal(k1, x.shape, x.dtype)\nclass M(nnx.Module):\n"
            "    def __init__(self, *, rngs: nnx.Rngs):\n        self.rngs = rngs\n    def __call__(self, x):\n"
            "        return x + noise(x, key=self.rngs.default())",
            verify=False,
        ),
        # ... so does one a training loop calls, from the caller's key chain
        Example(
            torch="def sample(n):\n    return torch.rand(n)\ndef main():\n    for step in range(3):\n"
            "        x = sample(4)",
            jax="def sample(n, *, key: jax.Array):\n    key, k1 = jax.random.split(key)\n"
            "    return jax.random.uniform(k1, n)\ndef main():\n    key = jax.random.key(0)\n"
            "    for step in range(3):\n        key, k2 = jax.random.split(key)\n        x = sample(4, key=k2)",
            verify=False,
        ),
        # passed as a value, it is called where no key can be passed: its fixed key stays, marked
        Example(
            torch="def sample(n):\n    return torch.rand(n)\nloader = Loader(make=sample)",
            jax="def sample(n):\n    # t2j: not translated: `sample` draws random numbers and may be called more than once:"
            " pass it a key\n    key = jax.random.key(0)\n    key, k1 = jax.random.split(key)\n"
            "    return jax.random.uniform(k1, n)\nloader = Loader(make=sample)",
            verify=False,
        ),
        # a plain class's method is called by code that passes no key (a DataLoader): marked
        Example(
            torch="class Noisy(Dataset):\n    def __getitem__(self, i):\n        return torch.randn(2)",
            jax="class Noisy(Dataset):\n    def __getitem__(self, i):\n"
            "        # t2j: not translated: `Noisy.__getitem__` draws random numbers with one fixed key on every call:"
            " pass it a key\n        key = jax.random.key(0)\n        key, k1 = jax.random.split(key)\n"
            "        return jax.random.normal(k1, 2)",
            verify=False,
        ),
        # called once at top level (setup): one chain of draws, as torch's, so the fixed key stays unmarked
        Example(
            torch="def sample(n):\n    return torch.rand(n)\nx = sample(4)",
            jax="def sample(n):\n    key = jax.random.key(0)\n    key, k1 = jax.random.split(key)\n"
            "    return jax.random.uniform(k1, n)\nx = sample(4)",
            verify=False,
        ),
    ]

    def rewrite(self, node: cst.FunctionDef, ctx: Context) -> cst.FunctionDef | None:
        fn = ctx.function
        if fn is None or fn.name != node.name.value:
            return None
        lines = []
        if fn.rngs_used and not fn.has_rngs:
            lines.append(stmt("rngs = nnx.Rngs(0)\n"))
        threaded = ctx.info.key_threaded.get(fn.key) if len(ctx.functions) == 1 and not ctx.classes else None
        if threaded is not None:
            ctx.use("jax")
            if fn.key_optional:
                node = _add_kwonly(node, threaded, "jax.Array | None", "None")
            else:
                node = _add_kwonly(node, threaded, "jax.Array")
            return _prepend(node, lines) if lines else node
        repeated = fn.key in ctx.info.random_repeated
        if fn.key_used and not fn.key_defined and (fn.key in ctx.info.random_per_call or repeated):
            # a fixed key inside a function that a module calls on every forward (or that a loop or another
            # function calls) repeats the same draws each call (torch draws fresh ones): kept runnable, marked
            # for the user to thread a key in
            if repeated:
                what = f"`{fn.name}` draws random numbers and may be called more than once: pass it a key"
            else:
                what = f"`{fn.name}` draws random numbers on every module call: pass it a key (e.g. from nnx.Rngs)"
            mark = cst.EmptyLine(comment=cst.Comment(f"{UNTRANSLATED_MARK} {what}"))
            lines.append(stmt("key = jax.random.key(0)\n").with_changes(leading_lines=[mark]))
            ctx.diagnostics.append(
                Diagnostic(line=ctx.source_line(node), message=f"not translated: {what}", snippet="")
            )
        elif fn.key_used and not fn.key_defined:
            line = stmt("key = jax.random.key(0)\n")
            if len(ctx.functions) > 1 or (ctx.classes and fn.name != "__init__"):
                # a plain class's method (a Dataset's __getitem__) or a nested function: called any number of
                # times, by code that passes no key
                what = f"`{fn.key}` draws random numbers with one fixed key on every call: pass it a key"
                line = line.with_changes(
                    leading_lines=[cst.EmptyLine(comment=cst.Comment(f"{UNTRANSLATED_MARK} {what}"))]
                )
                ctx.diagnostics.append(
                    Diagnostic(line=ctx.source_line(node), message=f"not translated: {what}", snippet="")
                )
            lines.append(line)
        return _prepend(node, lines) if lines else None


@register
class PassKey(CallRule):
    """A call of a function that takes a threaded key (FunctionKey: it draws random numbers and may run more
    than once) passes a fresh one: in a module's methods from `self.rngs`, in its __init__ from `rngs`, elsewhere
    split from the caller's key chain, so that each call draws anew, as torch's global generator does."""

    examples = [
        # torchvision's stochastic depth: no key is needed in eval mode (`training` False), so the key is optional
        Example(
            torch="def drop_path(x, p: float, training: bool = True):\n    if not training or p == 0.0:\n"
            "        return x\n    keep = torch.rand(x.shape[0], 1) >= p\n    return x * keep / (1 - p)\n"
            "class M(nn.Module):\n    def forward(self, x):\n        return drop_path(x, 0.5, self.training)",
            jax="def drop_path(x, p: float, training: bool = True, *, key: jax.Array | None = None):\n"
            "    if not training or p == 0.0:\n        return x\n"
            "    key, k1 = (None, None) if key is None else jax.random.split(key)\n"
            "    keep = jax.random.uniform(k1, (x.shape[0], 1)) >= p\n    return x * keep / (1 - p)\n"
            "class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        self.deterministic = False\n"
            "        self.rngs = rngs\n    def __call__(self, x):\n"
            "        return drop_path(x, 0.5, (not self.deterministic), key=self.rngs.default())",
            verify=False,
        ),
        # a function that already takes a generator draws from the caller's: no key is added
        Example(
            torch="def sample(n, g):\n    return torch.rand(n, generator=g)\nfor i in range(3):\n    x = sample(4, g)",
            jax="def sample(n, g):\n    return torch.rand(n, generator=g)  # t2j: not translated: a draw from `g`, a "
            "generator passed in: return the split key to the caller; torch.rand\nfor i in range(3):\n"
            "    x = sample(4, g)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if not isinstance(node.func, cst.Name):
            return None
        name = ctx.info.key_threaded.get(node.func.value)
        if name is None or keyword(node, name) is not None or any(a.star == "**" for a in node.args):
            return None
        fn = ctx.function
        if fn is not None and fn.params and node.func.value in fn.params:
            return None  # a parameter of the same name, not the function
        ctx.use("jax")
        return node.with_changes(args=[*node.args, arg(ctx.random_key(), name)])
