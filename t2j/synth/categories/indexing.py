"""Indexing: slices, integer-array gathers, in-place updates (torch) vs functional `.at[]` updates (JAX),
joins and splits."""

from __future__ import annotations

import random

from t2j.synth.grammar import Code, PairBuilder, const, epilogue, random_expr
from t2j.synth.program import Program


def _slice(rng: random.Random, n: int) -> tuple[str, int]:
    """A random slice of a dimension of size n and its length."""
    start = rng.randint(0, n - 1)
    stop = rng.randint(start + 1, n)
    step = rng.choice([1, 1, 2])
    length = len(range(start, stop, step))
    text = f"{start}:{stop}" + (f":{step}" if step != 1 else "")
    return text, length


def indexing(rng: random.Random, name: str) -> Program:
    b = PairBuilder("indexing", name)
    n, m = rng.randint(3, 8), rng.randint(3, 8)
    form = rng.randrange(10)
    x = b.arg("x", [n, m])
    if form == 0:  # basic slicing
        s0, _ = _slice(rng, n)
        s1, _ = _slice(rng, m)
        idx = rng.choice(
            [
                f"[{s0}, {s1}]",
                f"[..., {s1}]",
                f"[{s0}]",
                f"[{s0}, None, {s1}]",
                f"[:, {rng.randrange(m)}]",
                f"[-1, {s1}]",
            ]
        )
        out = Code(f"{x.t}{idx}", f"{x.j}{idx}")
    elif form == 1:  # integer-array gather along 0
        k = rng.randint(1, 6)
        i = b.arg("idx", [k], dtype="int32", kind="int", low=0, high=n)
        out = rng.choice(
            [
                Code(f"{x.t}[{i.t}]", f"{x.j}[{i.j}]"),
                Code(
                    f"torch.index_select({x.t}, 0, {i.t})", f"jnp.take({x.j}, {i.j}, axis=0)", ("torch.index_select",)
                ),
            ]
        )
    elif form == 2:  # gather along 1
        k = rng.randint(1, 5)
        i = b.arg("idx", [n, k], dtype="int32", kind="int", low=0, high=m)
        out = Code(
            f"torch.gather({x.t}, 1, {i.t}.long())", f"jnp.take_along_axis({x.j}, {i.j}, axis=1)", ("torch.gather",)
        )
    elif form == 3:  # slice assignment on a clone -> .at[].set
        s0, len0 = _slice(rng, n)
        v = b.arg("v", [len0, m])
        val = random_expr(rng, [v], rng.randint(0, 1))
        b.line(
            f"y = {x.t}.clone()\ny[{s0}] = {val.t}",
            f"y = {x.j}.at[{s0}].set({val.j})",
            ("Tensor.clone", "Tensor.__setitem__", *val.apis),
        )
        out = Code("y", "y")
    elif form == 4:  # += on a slice -> .at[].add
        s1, len1 = _slice(rng, m)
        v = b.arg("v", [n, len1])
        b.line(f"y = {x.t}.clone()\ny[:, {s1}] += {v.t}", f"y = {x.j}.at[:, {s1}].add({v.j})", ("Tensor.__setitem__",))
        out = Code("y", "y")
    elif form == 5:  # index_add with (possibly repeated) indices
        k = rng.randint(1, 6)
        i = b.arg("idx", [k], dtype="int32", kind="int", low=0, high=n)
        src = b.arg("src", [k, m])
        alpha = const(rng)
        out = Code(
            f"{x.t}.index_add(0, {i.t}, {src.t}, alpha={alpha})",
            f"{x.j}.at[{i.j}].add({alpha} * {src.j})",
            ("Tensor.index_add",),
        )
    elif form == 6:  # scatter_add into zeros
        k = rng.randint(2, 8)
        i = b.arg("idx", [k], dtype="int32", kind="int", low=0, high=n)
        src = b.arg("src", [k, m])
        out = Code(
            f"({x.t} + torch.zeros({n}, {m}).scatter_add(0, {i.t}.long().unsqueeze(-1).expand(-1, {m}), {src.t}))",
            f"({x.j} + jnp.zeros(({n}, {m})).at[{i.j}].add({src.j}))",
            ("torch.scatter_add",),
        )
    elif form == 7:  # masked_fill
        c, v = const(rng, 0.0, 1.0), const(rng)
        out = Code(
            f"{x.t}.masked_fill({x.t} > {c}, {v})", f"jnp.where({x.j} > {c}, {v}, {x.j})", ("Tensor.masked_fill",)
        )
    elif form == 8:  # roll / flip / narrow
        shift, dim = rng.randint(1, 3), rng.choice([0, 1])
        out = rng.choice(
            [
                Code(
                    f"torch.roll({x.t}, {shift}, dims={dim})", f"jnp.roll({x.j}, {shift}, axis={dim})", ("torch.roll",)
                ),
                Code(f"torch.flip({x.t}, dims=({dim},))", f"jnp.flip({x.j}, axis=({dim},))", ("torch.flip",)),
                Code(
                    f"{x.t}.narrow({dim}, 1, 2)", f"jax.lax.slice_in_dim({x.j}, 1, 3, axis={dim})", ("Tensor.narrow",)
                ),
            ]
        )
    else:  # cat / stack / chunk
        y = b.arg("y", [n, m])
        dim = rng.choice([0, 1, -1])
        out = rng.choice(
            [
                Code(
                    f"torch.cat([{x.t}, {y.t}], dim={dim})",
                    f"jnp.concatenate([{x.j}, {y.j}], axis={dim})",
                    ("torch.cat",),
                ),
                Code(
                    f"torch.stack([{x.t}, {y.t}], dim={dim})",
                    f"jnp.stack([{x.j}, {y.j}], axis={dim})",
                    ("torch.stack",),
                ),
                Code(
                    f"torch.chunk(torch.cat([{x.t}, {y.t}], dim=0), 2, dim=0)[1]",
                    f"jnp.split(jnp.concatenate([{x.j}, {y.j}], axis=0), 2, axis=0)[1]",
                    ("torch.chunk",),
                ),
            ]
        )
    b.ret(epilogue(rng, out, 1, 2) if rng.random() < 0.85 else out)
    return b.build()
