"""Intermediate representations of a jitted JAX computation: jaxpr, HLO and StableHLO, with op counts."""

from __future__ import annotations

import re
from collections import Counter

from t2j.verify.report import IR

_HLO_OP = re.compile(r"^\s*(?:ROOT\s+)?%?[\w.\-]+\s*=\s*.*?\s([a-z][a-z0-9_\-]*)\(", re.MULTILINE)
_STABLEHLO_OP = re.compile(r"\b((?:stablehlo|chlo|mhlo)\.[a-z_]+)")


def jaxpr_op_counts(closed_jaxpr) -> dict[str, int]:
    """Count primitives in a (closed) jaxpr, descending into sub-jaxprs (pjit, scan, cond, custom_vjp...)."""
    counts: Counter[str] = Counter()

    def visit(jaxpr):
        for eqn in jaxpr.eqns:
            counts[eqn.primitive.name] += 1
            for param in eqn.params.values():
                for sub in param if isinstance(param, (list, tuple)) else (param,):
                    inner = getattr(sub, "jaxpr", None)
                    if inner is not None and hasattr(inner, "eqns"):
                        visit(inner)
                    elif hasattr(sub, "eqns"):
                        visit(sub)

    visit(closed_jaxpr.jaxpr)
    return dict(counts)


def hlo_op_counts(hlo_text: str) -> dict[str, int]:
    return dict(Counter(_HLO_OP.findall(hlo_text)))


def stablehlo_op_counts(text: str) -> dict[str, int]:
    return dict(Counter(_STABLEHLO_OP.findall(text)))


def collect_ir(
    fn,
    *args,
    static_argnums=(),
    keep_unused: bool = True,
    kinds=("jaxpr", "hlo", "stablehlo"),
    lowered=None,
    traced=None,
) -> IR:
    """IR of `jax.jit(fn)(*args)`. `hlo` is real HLO text (starts with 'HloModule'); `stablehlo` is MLIR.
    Pass `lowered` (the caller's own `jax.jit(fn).lower(*args)`) to avoid lowering twice, or `traced` (the
    caller's `jax.jit(fn, keep_unused=...).trace(*args)`) to avoid tracing again: its jaxpr prints as
    `jax.make_jaxpr(fn)`'s and it is lowered here unless `lowered` is given."""
    import jax

    ir = IR()
    if "jaxpr" in kinds:
        closed = traced.jaxpr if traced is not None else jax.make_jaxpr(fn, static_argnums=static_argnums)(*args)
        ir.jaxpr = str(closed)
        ir.op_counts["jaxpr"] = jaxpr_op_counts(closed)
    if "hlo" in kinds or "stablehlo" in kinds:
        if lowered is None and traced is not None:
            lowered = traced.lower()
        if lowered is None:
            lowered = jax.jit(fn, static_argnums=static_argnums, keep_unused=keep_unused).lower(*args)
        if "hlo" in kinds:
            ir.hlo = lowered.as_text(dialect="hlo")
            ir.op_counts["hlo"] = hlo_op_counts(ir.hlo)
        if "stablehlo" in kinds:
            ir.stablehlo = lowered.as_text(dialect="stablehlo")
            ir.op_counts["stablehlo"] = stablehlo_op_counts(ir.stablehlo)
    return ir
