"""Integer semantics (floor division, remainders, bit ops, one-hot, class targets) and bfloat16 arithmetic."""

from __future__ import annotations

import random

from t2j.synth.grammar import Code, PairBuilder, const, epilogue, random_expr, random_shape
from t2j.synth.program import Program

INT_BINARY = [
    ("torch.div({0}, {1}, rounding_mode='floor')", "jnp.floor_divide({0}, {1})", "torch.div"),
    ("({0} // {1})", "({0} // {1})", "Tensor.__floordiv__"),
    ("torch.remainder({0}, {1})", "jnp.remainder({0}, {1})", "torch.remainder"),
    ("({0} % {1})", "({0} % {1})", "Tensor.__mod__"),
    ("torch.fmod({0}, {1})", "jnp.fmod({0}, {1})", "torch.fmod"),
    ("torch.div({0}, {1}, rounding_mode='trunc')", "jnp.trunc({0} / {1}).astype(jnp.int32)", "torch.div"),
    ("torch.bitwise_and({0}, {1})", "jnp.bitwise_and({0}, {1})", "torch.bitwise_and"),
    ("({0} ^ {1})", "({0} ^ {1})", "Tensor.__xor__"),
    ("({0} * {1} - {c})", "({0} * {1} - {c})", ""),
    ("({0} + {c} * {1})", "({0} + {c} * {1})", ""),
    ("torch.maximum({0}, {1})", "jnp.maximum({0}, {1})", "torch.maximum"),
]

TO_FLOAT = [
    ("{i}.float() * {x}", "{i}.astype(jnp.float32) * {x}", "Tensor.float"),
    ("torch.where({i} > 0, {x}, -{x})", "jnp.where({i} > 0, {x}, -{x})", "torch.where"),
    ("{x} / ({i}.float().abs() + 1.0)", "{x} / (jnp.abs({i}.astype(jnp.float32)) + 1.0)", "Tensor.float"),
    ("{x} * ({i} / 4)", "{x} * ({i} / 4)", "Tensor.__truediv__"),
    ("{x} + {i}.to(torch.float32)", "{x} + {i}.astype(jnp.float32)", "Tensor.to"),
]


def integer(rng: random.Random, name: str) -> Program:
    b = PairBuilder("integer", name)
    form = rng.randrange(5)
    if form <= 1:
        shape = random_shape(rng, rng.randint(1, 2))
        a = b.arg("a", shape, dtype="int32", kind="int", low=-9, high=10)
        d = b.arg("d", shape, dtype="int32", kind="int", low=1, high=6)
        x = b.arg("x", shape)
        t, j, api = rng.choice(INT_BINARY)
        c = rng.randint(1, 9)
        ie = Code(t.format(a.t, d.t, c=c), j.format(a.j, d.j, c=c), (api,) if api else ())
        if rng.random() < 0.5:
            t2, j2, api2 = rng.choice(INT_BINARY)
            ie = Code(t2.format(ie.t, d.t, c=c), j2.format(ie.j, d.j, c=c), ie.apis + ((api2,) if api2 else ()))
        ft, fj, fapi = rng.choice(TO_FLOAT)
        xe = random_expr(rng, [x], rng.randint(0, 1))
        out = Code(ft.format(i=ie.t, x=xe.t), fj.format(i=ie.j, x=xe.j), ie.apis + xe.apis + (fapi,))
    elif form == 2:  # one-hot times a weight matrix
        k, classes, d = rng.randint(1, 6), rng.randint(2, 8), rng.randint(2, 6)
        b.arg("idx", [k], dtype="int32", kind="int", low=0, high=classes)
        b.arg("w", [classes, d])
        out = Code(
            f"F.one_hot(idx.long(), {classes}).float() @ w", f"jax.nn.one_hot(idx, {classes}) @ w", ("F.one_hot",)
        )
    elif form == 3:  # cross entropy with integer targets
        n, classes = rng.randint(1, 6), rng.randint(2, 8)
        b.arg("logits", [n, classes])
        b.arg("target", [n], dtype="int32", kind="int", low=0, high=classes)
        smooth = rng.random() < 0.3
        if smooth:
            eps = const(rng, 0.05, 0.3, signed=False)
            out = Code(
                f"F.cross_entropy(logits, target.long(), label_smoothing={eps})",
                f"jnp.mean(-jnp.sum(((1 - {eps}) * jax.nn.one_hot(target, {classes}) + {eps} / {classes}) * "
                "jax.nn.log_softmax(logits, axis=-1), axis=-1))",
                ("F.cross_entropy",),
            )
        else:
            red = rng.choice(["mean", "sum"])
            out = Code(
                f"F.cross_entropy(logits, target.long(), reduction='{red}')",
                f"-jnp.{red}(jnp.take_along_axis(jax.nn.log_softmax(logits, axis=-1), target[:, None], axis=1))",
                ("F.cross_entropy",),
            )
    else:  # counting with comparisons
        rows, cols = rng.randint(2, 6), rng.randint(2, 6)
        b.arg("a", [rows, cols], dtype="int32", kind="int", low=-5, high=6)
        b.arg("x", [rows, cols])
        c = rng.randint(-2, 2)
        out = Code(
            f"(a > {c}).sum(dim=1, keepdim=True).float() * x + torch.clamp(a, -2, 2).float()",
            f"jnp.sum(a > {c}, axis=1, keepdims=True).astype(jnp.float32) * x + jnp.clip(a, -2, 2).astype(jnp.float32)",
            ("Tensor.sum", "torch.clamp"),
        )
    b.ret(epilogue(rng, out, 1, 2) if rng.random() < 0.8 else out)
    return b.build()


BF16_TOL = 3e-2


def bfloat16(rng: random.Random, name: str) -> Program:
    b = PairBuilder("bfloat16", name)
    form = rng.randrange(3)
    if form == 0:  # elementwise in bf16
        shape = random_shape(rng)
        leaves = [b.arg(n, shape, dtype="bfloat16") for n in ("x", "y")[: rng.randint(1, 2)]]
        out = random_expr(rng, leaves, rng.randint(1, 2))
    elif form == 1:  # matmul in bf16
        m, k, n = rng.randint(2, 6), rng.randint(2, 8), rng.randint(2, 6)
        x, w = b.arg("x", [m, k], dtype="bfloat16"), b.arg("w", [k, n], dtype="bfloat16")
        out = random_expr(
            rng, [Code(f"({x.t} @ {w.t})", f"({x.j} @ {w.j})", ("Tensor.__matmul__",))], rng.randint(0, 1)
        )
    else:  # float32 inputs cast to bf16 and back (mixed precision)
        m, k, n = rng.randint(2, 6), rng.randint(2, 8), rng.randint(2, 6)
        b.arg("x", [m, k])
        b.arg("w", [k, n])
        out = Code(
            "(x.to(torch.bfloat16) @ w.to(torch.bfloat16)).float()",
            "(x.astype(jnp.bfloat16) @ w.astype(jnp.bfloat16)).astype(jnp.float32)",
            ("Tensor.to",),
        )
        out = random_expr(rng, [out], rng.randint(0, 1))
    b.ret(epilogue(rng, out, 1, 1) if rng.random() < 0.8 else out)
    return b.build(rtol=BF16_TOL, atol=BF16_TOL)
