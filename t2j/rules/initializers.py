"""torch's default initialisers for the native nnx layers a rule emits (`kernel_init=`/`bias_init=`)."""

from __future__ import annotations

import libcst as cst

from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, code

_PURE_CALLS = ("int", "len", "round", "max", "min")


def repeatable(node: cst.BaseExpression) -> bool:
    """An argument that can be written twice (a name, attribute, number, arithmetic on them, `len(x)`...)."""
    found: list[cst.CSTNode] = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, n: cst.Call) -> None:
            name = code(n.func)
            if name not in _PURE_CALLS and not name.startswith("math."):
                found.append(n)

        def visit_NamedExpr(self, n: cst.NamedExpr) -> None:
            found.append(n)

    node.visit(Visitor())
    return not found


def torch_init_args(ctx: Context, fan_in: cst.BaseExpression | None, bias: cst.BaseExpression | None) -> list[cst.Arg]:
    """`kernel_init=`/`bias_init=` giving an nnx layer torch's default kaiming_uniform(a=sqrt(5)) weight and
    U(+-1/sqrt(fan_in)) bias (nnx's own are lecun_normal and zeros)."""
    args = [arg(ctx.helper("torch_kernel_init"), "kernel_init")]
    no_bias = isinstance(bias, cst.Name) and bias.value == "False"
    if fan_in is not None and not no_bias and repeatable(fan_in):
        args.append(arg(call(ctx.helper("torch_bias_init"), [arg(fan_in)]), "bias_init"))
    return args
