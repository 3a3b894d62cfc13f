"""Layer compositions as pure functions (weights are arguments): linear/MLP, conv1d/2d, pooling, layer/group/
batch/RMS normalization, attention and embedding lookups."""

from __future__ import annotations

import random

from t2j.synth.grammar import Code, PairBuilder, epilogue
from t2j.synth.program import Program

ACTS = [
    ("torch.relu({0})", "jax.nn.relu({0})", "torch.relu"),
    ("F.gelu({0})", "jax.nn.gelu({0}, approximate=False)", "F.gelu"),
    ("torch.tanh({0})", "jnp.tanh({0})", "torch.tanh"),
    ("F.silu({0})", "jax.nn.silu({0})", "F.silu"),
    ("{0}", "{0}", ""),
]


def _act(rng: random.Random, code: Code) -> Code:
    t, j, api = rng.choice(ACTS)
    return Code(t.format(code.t), j.format(code.j), code.apis + ((api,) if api else ()))


def _linear(rng, b: PairBuilder) -> Code:
    batch, d_in, d_h = rng.randint(1, 5), rng.randint(2, 8), rng.randint(2, 8)
    lead = [batch] if rng.random() < 0.6 else [batch, rng.randint(2, 4)]
    b.arg("x", lead + [d_in])
    b.arg("w1", [d_h, d_in])
    bias = rng.random() < 0.7
    if bias:
        b.arg("b1", [d_h])
    h = Code(f"F.linear(x, w1{', b1' if bias else ''})", "x @ w1.T" + (" + b1" if bias else ""), ("F.linear",))
    h = _act(rng, h)
    if rng.random() < 0.5:
        d_out = rng.randint(1, 6)
        b.arg("w2", [d_out, d_h])
        b.arg("b2", [d_out])
        h = Code(f"F.linear({h.t}, w2, b2)", f"({h.j}) @ w2.T + b2", h.apis)
    return h


def _conv(rng, b: PairBuilder) -> Code:
    two_d = rng.random() < 0.6
    n, c_in, c_out = rng.randint(1, 2), rng.choice([1, 2, 3, 4]), rng.choice([2, 3, 4])
    groups = rng.choice([g for g in (1, 2) if c_in % g == 0 and c_out % g == 0])
    k = rng.choice([1, 2, 3])
    stride = rng.choice([1, 1, 2])
    pad = rng.choice([0, 1]) if k > 1 else 0
    dil = rng.choice([1, 1, 2]) if k > 1 else 1
    size = rng.randint(5, 9)
    spatial = [size, size] if two_d else [size]
    b.arg("x", [n, c_in] + spatial)
    b.arg("w", [c_out, c_in // groups] + [k] * len(spatial))
    bias = rng.random() < 0.7
    if bias:
        b.arg("b", [c_out])
    nd = len(spatial)
    dn = ("NCHW", "OIHW", "NCHW") if two_d else ("NCH", "OIH", "NCH")
    t_fn = "F.conv2d" if two_d else "F.conv1d"
    t = f"{t_fn}(x, w{', b' if bias else ''}, stride={stride}, padding={pad}, dilation={dil}, groups={groups})"
    bias_j = (" + b[None, :, None, None]" if two_d else " + b[None, :, None]") if bias else ""
    j = (
        f"jax.lax.conv_general_dilated(x, w, window_strides={(stride,) * nd}, padding={[(pad, pad)] * nd}, "
        f"rhs_dilation={(dil,) * nd}, dimension_numbers={dn}, feature_group_count={groups}){bias_j}"
    )
    out = _act(rng, Code(t, j, (t_fn,)))
    if rng.random() < 0.3:
        if two_d:
            out = Code(
                f"F.avg_pool2d({out.t}, 2)",
                f"jax.lax.reduce_window({out.j}, 0.0, jax.lax.add, (1, 1, 2, 2), (1, 1, 2, 2), 'VALID') / 4.0",
                out.apis + ("F.avg_pool2d",),
            )
        else:
            out = Code(
                f"F.max_pool1d({out.t}, 2)",
                f"jax.lax.reduce_window({out.j}, -jnp.inf, jax.lax.max, (1, 1, 2), (1, 1, 2), 'VALID')",
                out.apis + ("F.max_pool1d",),
            )
    return out


def _norm(rng, b: PairBuilder) -> Code:
    form = rng.randrange(4)
    eps = rng.choice(["1e-05", "1e-06", "0.0001"])
    if form == 0:  # layer norm over the last dim
        rows, d = rng.randint(1, 6), rng.randint(2, 10)
        b.arg("x", [rows, d])
        b.arg("g", [d])
        b.arg("beta", [d])
        return Code(
            f"F.layer_norm(x, ({d},), g, beta, eps={eps})",
            f"(x - jnp.mean(x, axis=-1, keepdims=True)) / jnp.sqrt(jnp.var(x, axis=-1, keepdims=True) + {eps})"
            " * g + beta",
            ("F.layer_norm",),
        )
    if form == 1:  # group norm
        n, groups, per, size = rng.randint(1, 3), rng.choice([1, 2]), rng.choice([1, 2, 3]), rng.randint(2, 5)
        c = groups * per
        b.arg("x", [n, c, size, size])
        b.arg("g", [c])
        b.arg("beta", [c])
        return Code(
            f"F.group_norm(x, {groups}, g, beta, eps={eps})",
            f"((x.reshape({n}, {groups}, -1) - jnp.mean(x.reshape({n}, {groups}, -1), axis=-1, keepdims=True))"
            f" / jnp.sqrt(jnp.var(x.reshape({n}, {groups}, -1), axis=-1, keepdims=True) + {eps}))"
            f".reshape(x.shape) * g[None, :, None, None] + beta[None, :, None, None]",
            ("F.group_norm",),
        )
    if form == 2:  # batch norm with running statistics (inference)
        n, c, size = rng.randint(2, 4), rng.randint(1, 5), rng.randint(2, 5)
        b.arg("x", [n, c, size])
        b.arg("mean", [c], differentiable=False)
        b.arg("var", [c], kind="positive", differentiable=False)
        b.arg("g", [c])
        b.arg("beta", [c])
        return Code(
            f"F.batch_norm(x, mean, var, g, beta, training=False, eps={eps})",
            f"(x - mean[None, :, None]) / jnp.sqrt(var[None, :, None] + {eps}) * g[None, :, None]"
            " + beta[None, :, None]",
            ("F.batch_norm",),
        )
    rows, d = rng.randint(1, 6), rng.randint(2, 10)  # RMS norm
    b.arg("x", [rows, d])
    b.arg("g", [d])
    return Code(
        f"x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + {eps}) * g",
        f"x * jax.lax.rsqrt(jnp.mean(x ** 2, axis=-1, keepdims=True) + {eps}) * g",
        ("torch.rsqrt",),
    )


def _attention(rng, b: PairBuilder) -> Code:
    batch, heads, t, s, d = (
        rng.randint(1, 2),
        rng.randint(1, 3),
        rng.randint(2, 6),
        rng.randint(2, 6),
        rng.randint(2, 8),
    )
    causal = rng.random() < 0.4
    if causal:
        s = t
    for arg, shape in (("q", [batch, heads, t, d]), ("k", [batch, heads, s, d]), ("v", [batch, heads, s, d])):
        b.arg(arg, shape)
    mask_j = f"\nscores = jnp.where(jnp.tril(jnp.ones(({t}, {s}), dtype=bool)), scores, -jnp.inf)" if causal else ""
    if rng.random() < 0.5:
        b.line(
            f"out = F.scaled_dot_product_attention(q, k, v, is_causal={causal})",
            f"scores = jnp.einsum('bhqd,bhkd->bhqk', q, k) / jnp.sqrt({float(d)}){mask_j}\n"
            "out = jnp.einsum('bhqk,bhkd->bhqd', jax.nn.softmax(scores, axis=-1), v)",
            ("F.scaled_dot_product_attention",),
        )
    else:
        mask_t = (
            f"\nscores = scores.masked_fill(~torch.tril(torch.ones({t}, {s}, dtype=torch.bool)), float('-inf'))"
            if causal
            else ""
        )
        b.line(
            f"scores = q @ k.transpose(-2, -1) / math.sqrt({d}){mask_t}\nout = torch.softmax(scores, dim=-1) @ v",
            f"scores = q @ jnp.swapaxes(k, -2, -1) / math.sqrt({d}){mask_j}\nout = jax.nn.softmax(scores, axis=-1) @ v",
            ("torch.softmax", "Tensor.transpose"),
        )
    return Code("out", "out")


def _embedding(rng, b: PairBuilder) -> Code:
    vocab, d, k = rng.randint(4, 12), rng.randint(2, 8), rng.randint(1, 6)
    b.arg("ids", [rng.randint(1, 3), k], dtype="int32", kind="int", low=0, high=vocab)
    b.arg("table", [vocab, d])
    out = Code("F.embedding(ids, table)", "table[ids]", ("F.embedding",))
    if rng.random() < 0.5:
        out = Code(f"{out.t}.mean(dim=1)", f"jnp.mean({out.j}, axis=1)", out.apis)
    return out


def layers(rng: random.Random, name: str) -> Program:
    b = PairBuilder("layers", name)
    out = rng.choice([_linear, _linear, _conv, _conv, _norm, _attention, _embedding])(rng, b)
    if rng.random() < 0.85:
        out = epilogue(rng, Code(f"({out.t})", f"({out.j})", out.apis), 1, 2)
    b.ret(out)
    return b.build()
