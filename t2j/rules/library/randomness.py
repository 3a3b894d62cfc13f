"""Randomness: explicit jax.random keys, never reused. In a module's __init__ (and layer builders) the key
comes from `rngs.params()`; in its other methods from `self.rngs`; elsewhere a `key` chain is split
before each draw (`torch.manual_seed(s)` -> `key = jax.random.key(s)`)."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.source import RANDOM_DRAWS
from t2j.rules.base import CallRule, Example, MethodRule, Rebind, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, code, expr, keyword, positional, shape_args


@register
class RandomDraws(CallRule):
    """torch.randn/rand/randint/randperm/randn_like/rand_like/normal/bernoulli -> jax.random with a fresh key."""

    targets = RANDOM_DRAWS  # the draws analyze marks as random (one list, so the two cannot drift)
    examples = [
        Example(
            torch="x = torch.randn(2, 3)\ny = torch.rand_like(x)",
            jax="key, k1 = jax.random.split(key)\nx = jax.random.normal(k1, (2, 3))\n"
            "key, k2 = jax.random.split(key)\ny = jax.random.uniform(k2, x.shape, x.dtype)",
            verify=False,
        ),
        # in a comprehension, each iteration folds its index into the key split before the statement (torch
        # draws anew each time; one key would repeat one permutation)
        Example(
            torch="orders = [torch.randperm(5) for _ in range(3)]\nnoisy = [x + torch.randn(2) for x in xs]",
            jax="key, k1 = jax.random.split(key)\n"
            "orders = [jax.random.permutation(jax.random.fold_in(k1, _), 5) for _ in range(3)]\n"
            "key, k2 = jax.random.split(key)\n"
            "noisy = [x + jax.random.normal(jax.random.fold_in(k2, i3), 2) for i3, x in enumerate(xs)]",
            verify=False,
        ),
        # torch.multinomial: categorical draws on log-weights (same distribution; n draws on a new last axis)
        Example(
            torch="i = torch.multinomial(p, 1)\nj = torch.multinomial(p, 3, replacement=True)\n"
            "k = torch.multinomial(p, 2)",
            jax="key, k1 = jax.random.split(key)\ni = jax.random.categorical(k1, jnp.log(p))[..., None]\n"
            "key, k2 = jax.random.split(key)\n"
            "j = jnp.moveaxis(jax.random.categorical(k2, jnp.log(p), shape=(3, *jnp.shape(p)[:-1]), replace=True), 0, -1)\n"
            "key, k3 = jax.random.split(key)\n"
            "k = jnp.moveaxis(jax.random.categorical(k3, jnp.log(p), shape=(2, *jnp.shape(p)[:-1]), replace=False), 0, -1)",
            verify=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        generator = keyword(node, "generator")
        chain = "key" if generator is None else _generator_chain(node, ctx, generator.value)
        if chain is None:
            return None
        node = node.with_changes(args=[a for a in node.args if a is not generator])
        ctx.use("jax")
        if name in ("randn", "rand"):
            shape, rest = shape_args(node)
            if shape is None:
                return None
            dtype = keyword(node, "dtype")
            fn = "jax.random.normal" if name == "randn" else "jax.random.uniform"
            extra = [arg(dtype.value, "dtype")] if dtype is not None else []
            return call(fn, [arg(ctx.random_key(chain)), arg(shape)] + extra)
        if name in ("randn_like", "rand_like"):
            x = positional(node)[0].value
            fn = "jax.random.normal" if name == "randn_like" else "jax.random.uniform"
            return call(
                fn,
                [
                    arg(ctx.random_key(chain)),
                    arg(cst.Attribute(value=x, attr=cst.Name("shape"))),
                    arg(cst.Attribute(value=x, attr=cst.Name("dtype"))),
                ],
            )
        if name == "randint":
            pos = positional(node)
            size = keyword(node, "size")
            if size is None:
                size, pos = pos[-1], pos[:-1]
            if len(pos) == 1:
                low, high = expr("0"), pos[0].value
            elif len(pos) == 2:
                low, high = pos[0].value, pos[1].value
            else:
                return None
            return call("jax.random.randint", [arg(ctx.random_key(chain)), arg(size.value), arg(low), arg(high)])
        if name == "randperm":
            n = positional(node)[0].value
            return call("jax.random.permutation", [arg(ctx.random_key(chain)), arg(n)])
        if name == "normal":
            pos = positional(node)
            mean = keyword(node, "mean") or (pos[0] if pos else None)
            std = keyword(node, "std") or (pos[1] if len(pos) > 1 else None)
            size = keyword(node, "size") or (pos[2] if len(pos) > 2 else None)
            if mean is None or std is None:
                return None
            shape = size.value if size is not None else call("jnp.shape", [arg(mean.value)])
            ctx.use("jnp")
            draw = call("jax.random.normal", [arg(ctx.random_key(chain)), arg(shape)])
            return cst.BinaryOperation(mean.value, cst.Add(), cst.BinaryOperation(std.value, cst.Multiply(), draw))
        if name == "multinomial":
            return _multinomial(node, ctx, chain)
        if name == "bernoulli":
            p = positional(node)[0].value
            draw = call("jax.random.bernoulli", [arg(ctx.random_key(chain)), arg(p)])
            return call(
                cst.Attribute(value=draw, attr=cst.Name("astype")),
                [arg(cst.Attribute(value=p, attr=cst.Name("dtype")))],
            )
        return None


def _multinomial(node: cst.Call, ctx: Context, chain: str) -> cst.BaseExpression | None:
    """torch.multinomial(w, n, replacement) -> jax.random.categorical on log(w) (unnormalised weights, as torch
    takes them; a zero weight is never drawn), the n draws on a new last axis; without replacement the Gumbel
    top-k draw (`replace=False`). Same distribution, other random numbers."""
    b = bind(node, ["input", "num_samples", "replacement"])
    if b is None or "input" not in b or "num_samples" not in b:
        return None
    weights, n = code(b["input"]), b["num_samples"]
    replacement = b.get("replacement", expr("False"))
    ctx.use("jnp")
    key = code(ctx.random_key(chain))
    if isinstance(n, cst.Integer) and n.value == "1":
        return expr(f"jax.random.categorical({key}, jnp.log({weights}))[..., None]")
    shape = f"({code(n)}, *jnp.shape({weights})[:-1])"
    draws = f"jax.random.categorical({key}, jnp.log({weights}), shape={shape}, replace={code(replacement)})"
    return expr(f"jnp.moveaxis({draws}, 0, -1)")


def _generator_chain(node: cst.Call, ctx: Context, generator: cst.BaseExpression) -> str | None:
    """The key chain of a draw's `generator=g` (a `torch.Generator` translated to a key, TorchGenerator), or None
    where the draw stays as it is (marked)."""
    fn = ctx.function
    if not isinstance(generator, cst.Name):
        return None  # `self.g`, `gens[i]`: no chain to rebind here
    if fn is not None and generator.value in fn.params and not fn.yields:
        # the chain split here is a local copy: each call would repeat the caller's draws (torch's generator
        # advances); a generator function keeps its chain for its whole loop
        what = f"a draw from `{generator.value}`, a generator passed in: return the split key to the caller"
        ctx.untranslated(node, what)
        return None
    return generator.value


@register
class TorchGenerator(CallRule):
    """`torch.Generator().manual_seed(s)` -> `jax.random.key(s)`: a seeded generator is a key chain of its own,
    split before each draw that names it (`torch.rand(n, generator=g)`, RandomDraws). The draws differ from
    torch's (another generator), so data drawn with it is compared through the recorded batches."""

    targets = ("torch.Generator",)
    examples = [
        Example(
            torch="g = torch.Generator().manual_seed(3)\nx = torch.rand(4, 2, generator=g)",
            jax="g = jax.random.key(3)\ng, k1 = jax.random.split(g)\nx = jax.random.uniform(k1, (4, 2))",
            verify=False,
        ),
        Example(  # a generator handed to a function that is not a generator function: its draws would repeat
            torch="def make(n, g):\n    return torch.randn(n, generator=g)",
            jax="def make(n, g):\n    return torch.randn(n, generator=g)  # t2j: not translated: a draw from `g`, "
            "a generator passed in: return the split key to the caller; torch.randn",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if node.args:
            return None  # torch.Generator(device=...): left marked
        ctx.use("jax")
        return call("jax.random.key", [arg(expr("0"))])


@register
class SeedGenerator(MethodRule):
    """`<generator>.manual_seed(s)` on a translated `torch.Generator()` -> `jax.random.key(s)`."""

    methods = ("manual_seed",)
    examples = [
        Example(
            torch="g = torch.Generator().manual_seed(7)",
            jax="g = jax.random.key(7)",
            verify=False,
        ),
        Example(  # a seed method of another object (a gym environment, a sampler) is theirs
            torch="env.manual_seed(7)",
            jax="env.manual_seed(7)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        if not (isinstance(receiver, cst.Call) and code(receiver) == "jax.random.key(0)") or len(node.args) != 1:
            return None
        return call("jax.random.key", [arg(node.args[0].value)])


@register
class ManualSeed(CallRule):
    """`torch.manual_seed(s)` -> `key = jax.random.key(s)` (the start of this scope's key chain)."""

    targets = ("torch.manual_seed", "torch.random.manual_seed")
    examples = [
        Example(
            torch="torch.manual_seed(0)\nx = torch.randn(3)",
            jax="key = jax.random.key(0)\nkey, k1 = jax.random.split(key)\nx = jax.random.normal(k1, 3)",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | Rebind | None:
        seed = positional(node)[0].value if positional(node) else expr("0")
        ctx.use("jax")
        if ctx.function is not None:
            ctx.function.key_defined = True
        else:
            ctx.module_key_seeded = True
        return Rebind(call("jax.random.key", [arg(seed)]), cst.Name("key"))  # a statement binds the chain's key


# in-place random fills -> (torch's parameters with their defaults, in order)
FILLS = {
    "uniform_": (("from", "0"), ("to", "1")),
    "normal_": (("mean", "0"), ("std", "1")),
    "bernoulli_": (("p", "0.5"),),
}


@register
class RandomFills(MethodRule):
    """`noise.bernoulli_(p)`, `torch.zeros(n).uniform_(0, 1)`, `x.normal_(m, s)` on a tensor value ->
    a fresh jax.random draw of the receiver's shape and dtype (as a statement the receiver is rebound).
    Fills of attributes (`m.weight.data.normal_(0, 0.02)`: initialisation code) are left to the init rules."""

    methods = tuple(FILLS)
    examples = [
        Example(
            torch="noise = torch.zeros(3, 4).uniform_(0.0, 1.0)\nnoise.bernoulli_(0.5)\ny = noise.normal_(1.0, 2.0)",
            jax="key, k1 = jax.random.split(key)\n"
            "noise = jax.random.uniform(k1, jnp.zeros((3, 4)).shape, jnp.zeros((3, 4)).dtype, 0.0, 1.0)\n"
            "key, k2 = jax.random.split(key)\nnoise = jax.random.bernoulli(k2, 0.5, noise.shape).astype(noise.dtype)\n"
            "key, k3 = jax.random.split(key)\ny = 1.0 + 2.0 * jax.random.normal(k3, noise.shape, noise.dtype)",
            verify=False,
        ),
        # degenerate draws (p=1, an empty range) make the module deterministic, so the verifier can compare it
        Example(
            torch="keep = torch.zeros_like(x).bernoulli_(1.0)\ny = x * keep * torch.zeros(x.shape).uniform_(2.0, 2.0)",
            jax="self.rngs = rngs\nkeep = jax.random.bernoulli(self.rngs.default(), 1.0, jnp.zeros_like(x).shape).astype(jnp.zeros_like(x).dtype)\n"
            "y = x * keep * jax.random.uniform(self.rngs.default(), jnp.zeros(x.shape).shape, jnp.zeros(x.shape).dtype, 2.0, 2.0)",
            inputs={"x": (2, 3)},
        ),
        Example(
            torch="class Coin:\n    def flip(self):\n        return self.sampler.bernoulli_(0.5)",
            jax="class Coin:\n    def flip(self):\n        return self.sampler.bernoulli_(0.5)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | Rebind | None:
        if isinstance(receiver, cst.Attribute) or any(a.star for a in node.args):
            return None
        params = FILLS[name]
        given = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        for (param, _), a in zip(params, positional(node)):
            given[param] = a.value
        if set(given) - {p for p, _ in params} or "generator" in given:
            return None
        value = {p: given.get(p, expr(default)) for p, default in params}
        ctx.use("jax")
        shape = cst.Attribute(value=receiver, attr=cst.Name("shape"))
        dtype = cst.Attribute(value=receiver, attr=cst.Name("dtype"))
        key = arg(ctx.random_key())
        out: cst.BaseExpression
        if name == "uniform_":
            out = call("jax.random.uniform", [key, arg(shape), arg(dtype), arg(value["from"]), arg(value["to"])])
        elif name == "bernoulli_":
            draw = call("jax.random.bernoulli", [key, arg(value["p"]), arg(shape)])
            out = call(cst.Attribute(value=draw, attr=cst.Name("astype")), [arg(dtype)])
        else:
            out = call("jax.random.normal", [key, arg(shape), arg(dtype)])
            if "std" in given:
                out = cst.BinaryOperation(value["std"], cst.Multiply(), out)
            if "mean" in given:
                out = cst.BinaryOperation(value["mean"], cst.Add(), out)
        return Rebind(out, receiver)
