"""Randomness with explicit keys: JAX functions take a PRNG key and draw from it; the PyTorch function takes
the drawn noise as an argument (what torch.rand/randn would produce from its global generator), so that both
sides see the same numbers and the pair can be checked exactly."""

from __future__ import annotations

import random

from t2j.synth.grammar import Code, PairBuilder, const, random_expr, random_shape
from t2j.synth.program import Program


def prng(rng: random.Random, name: str) -> Program:
    b = PairBuilder("prng", name)
    shape = random_shape(rng, rng.randint(1, 3))
    b.arg("x", shape)
    form = rng.randrange(4)
    derive = rng.choice(["", "", "fold_in", "split"])
    key = "key"
    pre = ""
    if derive == "fold_in":
        salt = rng.randint(1, 99)
        pre, key = f"k = jax.random.fold_in(key, {salt})\n", "k"
        derive = f"fold_in:{salt}"
    elif derive == "split":
        which = rng.randint(0, 1)
        pre, key = f"k = jax.random.split(key)[{which}]\n", "k"
        derive = f"split:{which}"
    size = "x.shape"
    if form == 0:  # dropout
        q = const(rng, 0.5, 0.95, signed=False)
        b.arg("key", shape, kind="key", draw="uniform", derive=derive)
        b.line(
            f"keep = noise < {q}\ny = torch.where(keep, x / {q}, 0.0)",
            f"{pre}keep = jax.random.bernoulli({key}, {q}, {size})\ny = jnp.where(keep, x / {q}, 0.0)",
            ("torch.rand", "dropout"),
        )
    elif form == 1:  # additive gaussian noise
        sigma = const(rng, 0.05, 1.0, signed=False)
        b.arg("key", shape, kind="key", draw="normal", derive=derive)
        b.line(
            f"y = x + {sigma} * noise",
            f"{pre}y = x + {sigma} * jax.random.normal({key}, {size})",
            ("torch.randn_like",),
        )
    elif form == 2:  # random scaling in [lo, hi)
        lo = float(const(rng, 0.1, 0.9, signed=False))
        hi = round(lo + float(const(rng, 0.1, 1.0, signed=False)), 2)
        b.arg("key", shape, kind="key", draw="uniform", derive=derive)
        b.line(
            f"y = x * (noise * ({hi} - {lo}) + {lo})",
            f"{pre}y = x * jax.random.uniform({key}, {size}, minval={lo}, maxval={hi})",
            ("torch.rand_like",),
        )
    else:  # random sign flips / masking
        q = const(rng, 0.2, 0.8, signed=False)
        b.arg("key", shape, kind="key", draw="uniform", derive=derive)
        b.line(
            f"y = torch.where(noise < {q}, -x, x)",
            f"{pre}y = jnp.where(jax.random.bernoulli({key}, {q}, {size}), -x, x)",
            ("torch.rand",),
        )
    b.t_signature = ["x", "noise"]
    out = random_expr(rng, [Code("y", "y")], rng.randint(0, 2))
    b.ret(out)
    return b.build()
