"""Randomness: explicit jax.random keys, never reused. In a module's __init__ (and layer builders) the key
comes from `rngs.params()`; in its other methods from `self.rngs`; elsewhere a `key` chain is split
before each draw (`torch.manual_seed(s)` -> `key = jax.random.key(s)`)."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, expr, keyword, positional, shape_args


@register
class RandomDraws(CallRule):
    """torch.randn/rand/randint/randperm/randn_like/rand_like/normal/bernoulli -> jax.random with a fresh key."""

    targets = (
        "torch.randn",
        "torch.rand",
        "torch.randint",
        "torch.randperm",
        "torch.randn_like",
        "torch.rand_like",
        "torch.randint_like",
        "torch.normal",
        "torch.bernoulli",
        "torch.multinomial",
    )
    examples = [
        Example(
            torch="x = torch.randn(2, 3)\ny = torch.rand_like(x)",
            jax="key, k1 = jax.random.split(key)\nx = jax.random.normal(k1, (2, 3))\n"
            "key, k2 = jax.random.split(key)\ny = jax.random.uniform(k2, x.shape, x.dtype)",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        ctx.use("jax")
        if name in ("randn", "rand"):
            shape, rest = shape_args(node)
            if shape is None:
                return None
            dtype = keyword(node, "dtype")
            fn = "jax.random.normal" if name == "randn" else "jax.random.uniform"
            extra = [arg(dtype.value, "dtype")] if dtype is not None else []
            return call(fn, [arg(ctx.random_key()), arg(shape)] + extra)
        if name in ("randn_like", "rand_like"):
            x = positional(node)[0].value
            fn = "jax.random.normal" if name == "randn_like" else "jax.random.uniform"
            return call(
                fn,
                [
                    arg(ctx.random_key()),
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
            return call("jax.random.randint", [arg(ctx.random_key()), arg(size.value), arg(low), arg(high)])
        if name == "randperm":
            n = positional(node)[0].value
            return call("jax.random.permutation", [arg(ctx.random_key()), arg(n)])
        if name == "normal":
            pos = positional(node)
            mean = keyword(node, "mean") or (pos[0] if pos else None)
            std = keyword(node, "std") or (pos[1] if len(pos) > 1 else None)
            size = keyword(node, "size") or (pos[2] if len(pos) > 2 else None)
            if mean is None or std is None:
                return None
            shape = size.value if size is not None else call("jnp.shape", [arg(mean.value)])
            ctx.use("jnp")
            draw = call("jax.random.normal", [arg(ctx.random_key()), arg(shape)])
            return cst.BinaryOperation(mean.value, cst.Add(), cst.BinaryOperation(std.value, cst.Multiply(), draw))
        if name == "bernoulli":
            p = positional(node)[0].value
            draw = call("jax.random.bernoulli", [arg(ctx.random_key()), arg(p)])
            return call(
                cst.Attribute(value=draw, attr=cst.Name("astype")),
                [arg(cst.Attribute(value=p, attr=cst.Name("dtype")))],
            )
        return None


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

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        seed = positional(node)[0].value if positional(node) else expr("0")
        ctx.use("jax")
        if ctx.function is not None:
            ctx.function.key_defined = True
        else:
            ctx.module_key_seeded = True
        out = call("jax.random.key", [arg(seed)])
        ctx.inplace[id(out)] = cst.Name("key")  # a bare statement binds the chain's key
        return out
