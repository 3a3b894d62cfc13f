"""Control flow: Python loops become lax.fori_loop / lax.scan, data-dependent `if` becomes lax.cond."""

from __future__ import annotations

import random

from t2j.synth.grammar import Code, PairBuilder, const, random_expr
from t2j.synth.program import Program

ACTIVATIONS = [
    ("torch.tanh", "jnp.tanh"),
    ("torch.sigmoid", "jax.nn.sigmoid"),
    ("torch.sin", "jnp.sin"),
    ("F.softsign", "jax.nn.soft_sign"),
    ("torch.erf", "jax.lax.erf"),
]


def _fori(rng: random.Random, b: PairBuilder) -> None:
    d, n = rng.randint(2, 6), rng.randint(2, 5)
    rows = rng.randint(1, 4)
    x = b.arg("x", [rows, d])
    b.arg("w", [d, d])
    act_t, act_j = rng.choice(ACTIVATIONS)
    decay = const(rng, 0.3, 0.95, signed=False)
    extra = random_expr(rng, [Code("h", "h"), x], rng.randint(0, 1), use_all=False)
    use_index = rng.random() < 0.5
    scale_t = f" * (i + 1) / {n}" if use_index else ""
    b.line(
        f"h = x\nfor i in range({n}):\n    h = {decay} * h + {act_t}(h @ w){scale_t} + 0.1 * {extra.t}",
        f"def body(i, h):\n    return {decay} * h + {act_j}(h @ w){scale_t} + 0.1 * {extra.j}\n"
        f"h = jax.lax.fori_loop(0, {n}, body, x)",
        ("for-loop", "jax.lax.fori_loop", *extra.apis),
    )
    b.ret(Code("h", "h"))


def _scan(rng: random.Random, b: PairBuilder) -> None:
    batch, steps, d_in, d_h = rng.randint(1, 4), rng.randint(2, 6), rng.randint(2, 5), rng.randint(2, 5)
    form = rng.randrange(3)
    if form == 2:  # exponential moving average over time
        b.arg("x", [batch, steps, d_in])
        b.arg("s0", [batch, d_in])
        a = const(rng, 0.1, 0.9, signed=False)
        b.line(
            f"s = s0\nouts = []\nfor t in range(x.shape[1]):\n    s = {a} * s + {round(1 - float(a), 2)} * x[:, t]\n"
            f"    outs.append(s)\nys = torch.stack(outs, dim=1)",
            f"def step(s, xt):\n    s = {a} * s + {round(1 - float(a), 2)} * xt\n    return s, s\n"
            f"_, ys = jax.lax.scan(step, s0, jnp.swapaxes(x, 0, 1))\nys = jnp.swapaxes(ys, 0, 1)",
            ("for-loop", "torch.stack", "jax.lax.scan"),
        )
        b.ret(random_expr(rng, [Code("ys", "ys")], rng.randint(0, 1)))
        return
    for arg, shape in (("x", [batch, steps, d_in]), ("h0", [batch, d_h]), ("wx", [d_in, d_h]), ("wh", [d_h, d_h])):
        b.arg(arg, shape)
    act_t, act_j = rng.choice(ACTIVATIONS)
    ret_last = form == 1
    g = const(rng, 0.3, 1.5, signed=False)
    b.line(
        f"h = h0\nouts = []\nfor t in range(x.shape[1]):\n    h = {act_t}(x[:, t] @ wx + {g} * (h @ wh))\n    outs.append(h)\n"
        + ("out = h" if ret_last else "out = torch.stack(outs, dim=1)"),
        f"def step(h, xt):\n    h = {act_j}(xt @ wx + {g} * (h @ wh))\n    return h, h\n"
        f"h, hs = jax.lax.scan(step, h0, jnp.swapaxes(x, 0, 1))\n"
        + ("out = h" if ret_last else "out = jnp.swapaxes(hs, 0, 1)"),
        ("for-loop", "torch.stack", "jax.lax.scan"),
    )
    b.ret(random_expr(rng, [Code("out", "out")], rng.randint(0, 2)))


def _cond(rng: random.Random, b: PairBuilder) -> None:
    shape = [rng.randint(2, 6), rng.randint(2, 6)]
    x, y = b.arg("x", shape), b.arg("y", shape)
    reducer_t, reducer_j = rng.choice(
        [
            ("{0}.sum()", "jnp.sum({0})"),
            ("{0}.mean()", "jnp.mean({0})"),
            ("{0}.max()", "jnp.max({0})"),
            ("{0}[0, 0]", "{0}[0, 0]"),
        ]
    )
    c = const(rng, 0.0, 0.5)
    var = rng.choice(["x", "y"])
    pred_t = reducer_t.format(var) + f" > {c}"
    pred_j = reducer_j.format(var) + f" > {c}"
    yes = random_expr(rng, [x, y], rng.randint(1, 2))
    no = random_expr(rng, [x, y], rng.randint(1, 2))
    b.line(
        f"if {pred_t}:\n    return {yes.t}\nreturn {no.t}",
        f"return jax.lax.cond({pred_j}, lambda x, y: {yes.j}, lambda x, y: {no.j}, x, y)",
        ("if-tensor", "jax.lax.cond", *yes.apis, *no.apis),
    )


def control_flow(rng: random.Random, name: str) -> Program:
    b = PairBuilder("control_flow", name)
    rng.choice([_fori, _scan, _scan, _cond])(rng, b)
    return b.build()
