"""Op-level grammars: elementwise, scalar-array, unary math, branches, reductions, dot, matmul, chains,
compound expressions and broadcasting."""

from __future__ import annotations

import random

from t2j.synth.grammar import UNARY, Code, Op, PairBuilder, const, epilogue, random_expr, random_shape, scalar_op, uses
from t2j.synth.program import Program

ARG_NAMES = ["x", "y", "z", "w"]


def _args(b: PairBuilder, rng: random.Random, n: int, shape: list[int], kinds=("normal",)) -> list[Code]:
    return [b.arg(ARG_NAMES[i], shape, kind=rng.choice(kinds)) for i in range(n)]


def elementwise(rng: random.Random, name: str) -> Program:
    b = PairBuilder("elementwise", name)
    leaves = _args(b, rng, rng.randint(2, 3), random_shape(rng))
    b.ret(random_expr(rng, leaves, rng.randint(2, 3), unary_p=0.15, scalar_p=0.1))
    return b.build()


def scalar_array(rng: random.Random, name: str) -> Program:
    b = PairBuilder("scalar_array", name)
    leaves = _args(b, rng, rng.randint(1, 2), random_shape(rng))
    out = leaves[0]
    for _ in range(rng.randint(1, 3)):
        out = out.apply(scalar_op(rng))
    if len(leaves) > 1:
        out = out.apply(Op("({0} * {1})", "({0} * {1})", "", 2), leaves[1].apply(scalar_op(rng)))
    b.ret(out)
    return b.build()


def unary_math(rng: random.Random, name: str) -> Program:
    b = PairBuilder("unary_math", name)
    x = b.arg("x", random_shape(rng))
    out = x
    for _ in range(rng.randint(1, 3)):
        out = out.apply(rng.choice(UNARY))
    if rng.random() < 0.7:
        out = out.apply(scalar_op(rng))
    b.ret(out)
    return b.build()


COMPARISONS = [(">", ">"), ("<", "<"), (">=", ">="), ("<=", "<=")]


def _condition(rng: random.Random, leaves: list[Code]) -> Code:
    a = rng.choice(leaves)
    op_t, op_j = rng.choice(COMPARISONS)
    if rng.random() < 0.5 and len(leaves) > 1:
        other = rng.choice([c for c in leaves if c is not a])
        rhs_t, rhs_j = other.t, other.j
    else:
        c = const(rng, 0.0, 1.0)
        rhs_t = rhs_j = c
    style = rng.random()
    if style < 0.7:
        return Code(f"({a.t} {op_t} {rhs_t})", f"({a.j} {op_j} {rhs_j})")
    fn = {
        ">": ("torch.gt", "jnp.greater"),
        "<": ("torch.lt", "jnp.less"),
        ">=": ("torch.ge", "jnp.greater_equal"),
        "<=": ("torch.le", "jnp.less_equal"),
    }[op_t]
    return Code(f"{fn[0]}({a.t}, {rhs_t})", f"{fn[1]}({a.j}, {rhs_j})", (fn[0],))


def _where(cond: Code, a: Code, b: Code) -> Code:
    return Code(
        f"torch.where({cond.t}, {a.t}, {b.t})",
        f"jnp.where({cond.j}, {a.j}, {b.j})",
        cond.apis + a.apis + b.apis + ("torch.where",),
    )


def branch(rng: random.Random, name: str) -> Program:
    b = PairBuilder("branch", name)
    leaves = _args(b, rng, rng.randint(1, 3), random_shape(rng))
    cond = _condition(rng, leaves)
    yes = random_expr(rng, leaves, rng.randint(0, 2), use_all=False)
    no = random_expr(rng, leaves, rng.randint(0, 2), use_all=False)
    if rng.random() < 0.25:
        c = const(rng)
        no = Code(c, c)
    out = _where(cond, yes, no)
    if rng.random() < 0.3:  # mask arithmetic: (cond).float() * expr
        cond2 = _condition(rng, leaves)
        out = Code(
            f"({out.t} + {cond2.t}.float() * {leaves[0].t})",
            f"({out.j} + {cond2.j}.astype(jnp.float32) * {leaves[0].j})",
            out.apis + ("Tensor.float",),
        )
    for leaf in leaves:  # every argument reaches the output
        if not uses(leaf.t, out.t):
            out = Code(f"({out.t} + {leaf.t})", f"({out.j} + {leaf.j})", out.apis)
    b.ret(out)
    return b.build()


def nested_branch(rng: random.Random, name: str) -> Program:
    b = PairBuilder("nested_branch", name)
    leaves = _args(b, rng, rng.randint(2, 3), random_shape(rng))

    def nest(depth: int) -> Code:
        if depth == 0:
            return random_expr(rng, leaves, rng.randint(0, 1), use_all=False)
        cond = _condition(rng, leaves)
        if rng.random() < 0.3:
            other = _condition(rng, leaves)
            t_join, j_join, api = rng.choice(
                [
                    ("&", "&", ""),
                    ("|", "|", ""),
                    ("torch.logical_and", "jnp.logical_and", "torch.logical_and"),
                    ("torch.logical_xor", "jnp.logical_xor", "torch.logical_xor"),
                ]
            )
            if t_join in "&|":
                cond = Code(f"({cond.t} {t_join} {other.t})", f"({cond.j} {j_join} {other.j})", cond.apis + other.apis)
            else:
                cond = Code(
                    f"{t_join}({cond.t}, {other.t})", f"{j_join}({cond.j}, {other.j})", cond.apis + other.apis + (api,)
                )
        return _where(cond, nest(depth - 1), nest(rng.randint(0, depth - 1)))

    out = nest(rng.randint(2, 3))
    for leaf in leaves:
        if not uses(leaf.t, out.t):
            out = Code(f"({out.t} * {leaf.t})", f"({out.j} * {leaf.j})", out.apis)
    b.ret(out)
    return b.build()


def _reduce_op(rng: random.Random, rank: int) -> tuple[Op, str]:
    """A reduction over a random axis set; returns the op and a description of its axes."""
    multi = rank >= 2 and rng.random() < 0.3
    if multi:
        axes = sorted(rng.sample(range(rank), 2))
        if rng.random() < 0.5:
            axes = [a - rank for a in axes]
        dim = "(" + ", ".join(str(a) for a in axes) + ")"
    else:
        axis = rng.randrange(rank)
        if rng.random() < 0.4:
            axis -= rank
        dim = str(axis)
    keep = rng.random() < 0.5
    kt = ", keepdim=True" if keep else ""
    kj = ", keepdims=True" if keep else ""
    if multi:
        table = [
            Op(f"torch.sum({{0}}, dim={dim}{kt})", f"jnp.sum({{0}}, axis={dim}{kj})", "torch.sum"),
            Op(f"torch.mean({{0}}, dim={dim}{kt})", f"jnp.mean({{0}}, axis={dim}{kj})", "torch.mean"),
            Op(f"{{0}}.sum({dim}{kt})", f"jnp.sum({{0}}, axis={dim}{kj})", "Tensor.sum"),
            Op(f"torch.amax({{0}}, dim={dim}{kt})", f"jnp.max({{0}}, axis={dim}{kj})", "torch.amax"),
            Op(f"torch.amin({{0}}, dim={dim}{kt})", f"jnp.min({{0}}, axis={dim}{kj})", "torch.amin"),
            Op(f"torch.logsumexp({{0}}, dim={dim}{kt})", f"jax.nn.logsumexp({{0}}, axis={dim}{kj})", "torch.logsumexp"),
            Op(f"torch.var({{0}}, dim={dim}{kt})", f"jnp.var({{0}}, axis={dim}, ddof=1{kj})", "torch.var"),
            Op(
                f"torch.linalg.vector_norm({{0}}, dim={dim}{kt})",
                f"jnp.sqrt(jnp.sum(jnp.square({{0}}), axis={dim}{kj}))",
                "torch.linalg.vector_norm",
            ),
        ]
    else:
        table = [
            Op(f"torch.sum({{0}}, dim={dim}{kt})", f"jnp.sum({{0}}, axis={dim}{kj})", "torch.sum"),
            Op(f"{{0}}.mean({dim}{kt})", f"jnp.mean({{0}}, axis={dim}{kj})", "Tensor.mean"),
            Op(f"torch.max({{0}}, dim={dim}{kt}).values", f"jnp.max({{0}}, axis={dim}{kj})", "torch.max"),
            Op(f"torch.min({{0}}, {dim}{kt})[0]", f"jnp.min({{0}}, axis={dim}{kj})", "torch.min"),
            Op(
                f"torch.prod(torch.tanh({{0}}) + 1.5, dim={dim}{kt})",
                f"jnp.prod(jnp.tanh({{0}}) + 1.5, axis={dim}{kj})",
                "torch.prod",
            ),
            Op(f"torch.var({{0}}, dim={dim}, unbiased=False{kt})", f"jnp.var({{0}}, axis={dim}{kj})", "torch.var"),
            Op(f"torch.std({{0}}, dim={dim}{kt})", f"jnp.std({{0}}, axis={dim}, ddof=1{kj})", "torch.std"),
            Op(f"torch.logsumexp({{0}}, {dim}{kt})", f"jax.nn.logsumexp({{0}}, axis={dim}{kj})", "torch.logsumexp"),
            Op(f"torch.norm({{0}}, dim={dim}{kt})", f"jnp.linalg.norm({{0}}, axis={dim}{kj})", "torch.norm"),
            Op(f"torch.cumsum({{0}}, dim={dim})", f"jnp.cumsum({{0}}, axis={dim})", "torch.cumsum"),
            Op(f"torch.softmax({{0}}, dim={dim})", f"jax.nn.softmax({{0}}, axis={dim})", "torch.softmax"),
            Op(f"torch.log_softmax({{0}}, dim={dim})", f"jax.nn.log_softmax({{0}}, axis={dim})", "torch.log_softmax"),
            Op(f"{{0}}.amax({dim}{kt})", f"jnp.max({{0}}, axis={dim}{kj})", "Tensor.amax"),
        ]
    return rng.choice(table), dim


def reduction(rng: random.Random, name: str) -> Program:
    b = PairBuilder("reduction", name)
    rank = rng.randint(2, 4)
    shape = random_shape(rng, rank, 2, 6)
    leaves = _args(b, rng, rng.randint(1, 2), shape)
    inner = random_expr(rng, leaves, rng.randint(0, 2))
    op, _ = _reduce_op(rng, rank)
    out = inner.apply(op)
    if rng.random() < 0.3:
        full = rng.choice(
            [
                Op("{0}.sum()", "jnp.sum({0})", "Tensor.sum"),
                Op("torch.mean({0})", "jnp.mean({0})", "torch.mean"),
                Op("{0}.max()", "jnp.max({0})", "Tensor.max"),
            ]
        )
        out = out.apply(full)
    b.ret(out)
    return b.build()


def dot(rng: random.Random, name: str) -> Program:
    b = PairBuilder("dot", name)
    n = rng.randint(2, 12)
    m = rng.randint(2, 8)
    form = rng.randrange(7)
    if form == 0:
        x, y = b.arg("x", [n]), b.arg("y", [n])
        out = Code(f"torch.dot({x.t}, {y.t})", f"jnp.dot({x.j}, {y.j})", ("torch.dot",))
    elif form == 1:
        a, v = b.arg("a", [m, n]), b.arg("v", [n])
        out = Code(f"torch.mv({a.t}, {v.t})", f"jnp.dot({a.j}, {v.j})", ("torch.mv",))
    elif form == 2:
        x, y = b.arg("x", [n]), b.arg("y", [m])
        out = Code(f"torch.outer({x.t}, {y.t})", f"jnp.outer({x.j}, {y.j})", ("torch.outer",))
    elif form == 3:
        x, y = b.arg("x", [m, n]), b.arg("y", [m, n])
        out = Code(f"({x.t} * {y.t}).sum(dim=-1)", f"jnp.sum({x.j} * {y.j}, axis=-1)", ("Tensor.sum",))
    elif form == 4:
        x, y = b.arg("x", [m, n]), b.arg("y", [rng.randint(2, 6), n])
        out = Code(f"torch.inner({x.t}, {y.t})", f"jnp.inner({x.j}, {y.j})", ("torch.inner",))
    elif form == 5:
        k = rng.randint(2, 5)
        x, y = b.arg("x", [m, n, k]), b.arg("y", [n, k, rng.randint(2, 5)])
        out = Code(
            f"torch.tensordot({x.t}, {y.t}, dims=2)", f"jnp.tensordot({x.j}, {y.j}, axes=2)", ("torch.tensordot",)
        )
    else:
        x, y = b.arg("x", [n]), b.arg("y", [n])
        out = Code(f"torch.vdot({x.t}, {y.t})", f"jnp.vdot({x.j}, {y.j})", ("torch.vdot",))
    b.ret(epilogue(rng, out, 1, 2))
    return b.build()


EINSUMS = [
    ("ij,jk->ik", "ij", "jk"),
    ("bij,bjk->bik", "bij", "bjk"),
    ("ij,ij->i", "ij", "ij"),
    ("bhqd,bhkd->bhqk", "bhqd", "bhkd"),
    ("ij,kj->ik", "ij", "kj"),
    ("bi,bj->bij", "bi", "bj"),
    ("bij,jk->bik", "bij", "jk"),
    ("ijk,ik->ij", "ijk", "ik"),
    ("ij,j->i", "ij", "j"),
    ("bnd,md->bnm", "bnd", "md"),
    ("ii->i", "ii", None),
    ("ij->ji", "ij", None),
    ("bij->bj", "bij", None),
]


def matmul(rng: random.Random, name: str) -> Program:
    b = PairBuilder("matmul", name)
    dims = {c: rng.randint(2, 7) for c in "bhijkdqmn"}
    form = rng.randrange(8)
    if form == 0:
        x, y = b.arg("x", [dims["i"], dims["j"]]), b.arg("y", [dims["j"], dims["k"]])
        out = Code(f"torch.matmul({x.t}, {y.t})", f"jnp.matmul({x.j}, {y.j})", ("torch.matmul",))
    elif form == 1:
        x, y = b.arg("x", [dims["b"], dims["i"], dims["j"]]), b.arg("y", [dims["b"], dims["j"], dims["k"]])
        out = Code(f"torch.bmm({x.t}, {y.t})", f"jnp.matmul({x.j}, {y.j})", ("torch.bmm",))
    elif form == 2:
        x, y = b.arg("x", [dims["b"], dims["i"], dims["j"]]), b.arg("y", [dims["j"], dims["k"]])
        out = Code(f"({x.t} @ {y.t})", f"({x.j} @ {y.j})", ("Tensor.__matmul__",))
    elif form == 3:
        x, y = b.arg("x", [dims["j"], dims["i"]]), b.arg("y", [dims["j"], dims["k"]])
        out = Code(f"({x.t}.T @ {y.t})", f"({x.j}.T @ {y.j})", ("Tensor.T",))
    elif form == 4:
        x, y = b.arg("x", [dims["b"], dims["i"], dims["j"]]), b.arg("y", [dims["b"], dims["k"], dims["j"]])
        out = Code(
            f"torch.matmul({x.t}, {y.t}.transpose(-1, -2))",
            f"jnp.matmul({x.j}, jnp.swapaxes({y.j}, -1, -2))",
            ("torch.matmul", "Tensor.transpose"),
        )
    elif form == 5:
        c, x, y = (
            b.arg("c", [dims["i"], dims["k"]]),
            b.arg("x", [dims["i"], dims["j"]]),
            b.arg("y", [dims["j"], dims["k"]]),
        )
        beta, alpha = const(rng), const(rng)
        out = Code(
            f"torch.addmm({c.t}, {x.t}, {y.t}, beta={beta}, alpha={alpha})",
            f"({beta} * {c.j} + {alpha} * ({x.j} @ {y.j}))",
            ("torch.addmm",),
        )
    elif form == 6:
        c = b.arg("c", [dims["b"], dims["i"], dims["k"]])
        x, y = b.arg("x", [dims["b"], dims["i"], dims["j"]]), b.arg("y", [dims["b"], dims["j"], dims["k"]])
        beta, alpha = const(rng), const(rng)
        out = Code(
            f"torch.baddbmm({c.t}, {x.t}, {y.t}, beta={beta}, alpha={alpha})",
            f"({beta} * {c.j} + {alpha} * jnp.matmul({x.j}, {y.j}))",
            ("torch.baddbmm",),
        )
    else:
        pattern, lhs, rhs = rng.choice(EINSUMS)
        x = b.arg("x", [dims[c] for c in lhs])
        if rhs is None:
            out = Code(f"torch.einsum('{pattern}', {x.t})", f"jnp.einsum('{pattern}', {x.j})", ("torch.einsum",))
        else:
            y = b.arg("y", [dims[c] for c in rhs])
            out = Code(
                f"torch.einsum('{pattern}', {x.t}, {y.t})", f"jnp.einsum('{pattern}', {x.j}, {y.j})", ("torch.einsum",)
            )
    b.ret(epilogue(rng, out, 1, 2))
    return b.build()


def chain(rng: random.Random, name: str) -> Program:
    """Several statements, each building on the previous ones."""
    b = PairBuilder("chain", name)
    shape = random_shape(rng, rng.randint(1, 3))
    leaves = _args(b, rng, rng.randint(1, 3), shape)
    names = list(leaves)
    for step in range(rng.randint(2, 4)):
        pool = names[-2:] + [rng.choice(leaves)]
        expr = random_expr(rng, pool, rng.randint(1, 2), use_all=False)
        names.append(b.assign(f"h{step}", expr))
    out = names[-1]
    for leaf in leaves:
        if not any(uses(leaf.t, line) for line in b.t_body):
            out = Code(f"({out.t} + {leaf.t})", f"({out.j} + {leaf.j})")
    if rng.random() < 0.4:
        op, _ = _reduce_op(rng, len(shape))
        out = out.apply(op)
    b.ret(out)
    return b.build()


def compound(rng: random.Random, name: str) -> Program:
    """Common composite formulas written with library calls on the torch side and spelled out in JAX."""
    b = PairBuilder("compound", name)
    rows, cols = rng.randint(2, 8), rng.randint(3, 10)
    form = rng.randrange(9)
    x = b.arg("x", [rows, cols])
    if form == 0:
        y = b.arg("y", [rows, cols])
        red = rng.choice(["mean", "sum"])
        out = Code(
            f"F.mse_loss({x.t}, {y.t}, reduction='{red}')", f"jnp.{red}(jnp.square({x.j} - {y.j}))", ("F.mse_loss",)
        )
    elif form == 1:
        y = b.arg("y", [rows, cols])
        beta = const(rng, 0.5, 2.0, signed=False)
        out = Code(
            f"F.smooth_l1_loss({x.t}, {y.t}, beta={beta})",
            f"jnp.mean(jnp.where(jnp.abs({x.j} - {y.j}) < {beta}, 0.5 * jnp.square({x.j} - {y.j}) / {beta}, "
            f"jnp.abs({x.j} - {y.j}) - 0.5 * {beta}))",
            ("F.smooth_l1_loss",),
        )
    elif form == 2:
        y = b.arg("y", [rows, cols])
        dim = rng.choice([0, 1, -1])
        out = Code(
            f"F.cosine_similarity({x.t}, {y.t}, dim={dim})",
            f"jnp.sum({x.j} * {y.j}, axis={dim}) / jnp.maximum(jnp.linalg.norm({x.j}, axis={dim}) * "
            f"jnp.linalg.norm({y.j}, axis={dim}), 1e-8)",
            ("F.cosine_similarity",),
        )
    elif form == 3:
        dim = rng.choice([0, 1, -1])
        p = rng.choice([1, 2])
        norm_j = (
            f"jnp.sum(jnp.abs({x.j}), axis={dim}, keepdims=True)"
            if p == 1
            else f"jnp.linalg.norm({x.j}, axis={dim}, keepdims=True)"
        )
        out = Code(f"F.normalize({x.t}, p={p}, dim={dim})", f"{x.j} / jnp.maximum({norm_j}, 1e-12)", ("F.normalize",))
    elif form == 4:
        y = b.arg("y", [rows, cols], kind="uniform")
        out = Code(
            f"F.binary_cross_entropy_with_logits({x.t}, {y.t})",
            f"jnp.mean(jnp.maximum({x.j}, 0) - {x.j} * {y.j} + jnp.log1p(jnp.exp(-jnp.abs({x.j}))))",
            ("F.binary_cross_entropy_with_logits",),
        )
    elif form == 5:
        t = const(rng, 0.5, 2.0, signed=False)
        out = Code(
            f"torch.softmax({x.t} / {t}, dim=-1) @ torch.softmax({x.t}, dim=0).T",
            f"jax.nn.softmax({x.j} / {t}, axis=-1) @ jax.nn.softmax({x.j}, axis=0).T",
            ("torch.softmax",),
        )
    elif form == 6:
        y = b.arg("y", [rows, cols])
        out = Code(
            f"F.kl_div(F.log_softmax({x.t}, dim=-1), F.softmax({y.t}, dim=-1), reduction='batchmean')",
            f"jnp.sum(jax.nn.softmax({y.j}, axis=-1) * (jax.nn.log_softmax({y.j}, axis=-1) - "
            f"jax.nn.log_softmax({x.j}, axis=-1))) / {rows}",
            ("F.kl_div", "F.log_softmax", "F.softmax"),
        )
    elif form == 7:
        y = b.arg("y", [rows, cols])
        delta = const(rng, 0.5, 2.0, signed=False)
        out = Code(
            f"F.huber_loss({x.t}, {y.t}, delta={delta})",
            f"jnp.mean(jnp.where(jnp.abs({x.j} - {y.j}) < {delta}, 0.5 * jnp.square({x.j} - {y.j}), "
            f"{delta} * (jnp.abs({x.j} - {y.j}) - 0.5 * {delta})))",
            ("F.huber_loss",),
        )
    else:
        eps = rng.choice(["1e-05", "1e-06", "0.001"])
        out = Code(
            f"({x.t} - {x.t}.mean(-1, keepdim=True)) / torch.sqrt({x.t}.var(-1, unbiased=False, keepdim=True) + {eps})",
            f"({x.j} - jnp.mean({x.j}, axis=-1, keepdims=True)) / jnp.sqrt(jnp.var({x.j}, axis=-1, "
            f"keepdims=True) + {eps})",
            ("Tensor.var", "Tensor.mean"),
        )
    b.ret(epilogue(rng, out, 1, 2) if rng.random() < 0.9 else out)
    return b.build()


def broadcasting(rng: random.Random, name: str) -> Program:
    """Arguments of different ranks that broadcast, plus unsqueeze/expand/permute/reshape spellings."""
    b = PairBuilder("broadcasting", name)
    B, T, D = rng.randint(2, 5), rng.randint(2, 6), rng.randint(2, 7)
    form = rng.randrange(6)
    if form == 0:
        x, y, z = b.arg("x", [B, 1, D]), b.arg("y", [1, T, D]), b.arg("z", [D])
        leaves = [x, y, z]
    elif form == 1:
        x, y = b.arg("x", [B, D]), b.arg("y", [T, D])
        leaves = [
            Code(f"{x.t}.unsqueeze(1)", f"jnp.expand_dims({x.j}, 1)", ("Tensor.unsqueeze",)),
            Code(f"{y.t}[None, :, :]", f"{y.j}[None, :, :]"),
        ]
    elif form == 2:
        x, y = b.arg("x", [B, T]), b.arg("y", [B])
        leaves = [x, Code(f"{y.t}[:, None]", f"{y.j}[:, None]")]
    elif form == 3:
        x, y = b.arg("x", [B, T, D]), b.arg("y", [B, D])
        leaves = [
            Code(f"{x.t}.permute(0, 2, 1)", f"jnp.transpose({x.j}, (0, 2, 1))", ("Tensor.permute",)),
            Code(f"{y.t}.view({B}, {D}, 1)", f"{y.j}.reshape({B}, {D}, 1)", ("Tensor.view",)),
        ]
    elif form == 4:
        x, y = b.arg("x", [T, 1]), b.arg("y", [D])
        leaves = [Code(f"{x.t}.expand({T}, {D})", f"jnp.broadcast_to({x.j}, ({T}, {D}))", ("Tensor.expand",)), y]
    else:
        x, y = b.arg("x", [B, T, D]), b.arg("y", [T, 1])
        leaves = [
            x,
            y,
            Code(f"{x.t}.mean(dim=(0, 2))[:, None]", f"jnp.mean({x.j}, axis=(0, 2))[:, None]", ("Tensor.mean",)),
        ]
    out = random_expr(rng, leaves, rng.randint(1, 3))
    if rng.random() < 0.4:
        flat = rng.choice(
            [
                Op("{0}.flatten(1)", "{0}.reshape({0}.shape[0], -1)", "Tensor.flatten"),
                Op("{0}.reshape(-1)", "{0}.reshape(-1)", "Tensor.reshape"),
                Op("torch.sum({0}, dim=0)", "jnp.sum({0}, axis=0)", "torch.sum"),
            ]
        )
        out = out.apply(flat)
    b.ret(out)
    return b.build()
