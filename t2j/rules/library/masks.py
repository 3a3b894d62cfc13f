"""Boolean-mask indexing. `x[mask]` has a data-dependent shape, which jit cannot trace; the common uses have a
static-shape form: `y[mask] = v` -> `jnp.where`, `x[mask].sum()/.mean()` -> masked sums. Other reads of
`x[mask]` are marked as not translated."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import Example, MethodRule, StatementRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, code

BOOL_FUNCTIONS = (
    "jnp.logical_and",
    "jnp.logical_or",
    "jnp.logical_not",
    "jnp.logical_xor",
    "jnp.isnan",
    "jnp.isinf",
    "jnp.isfinite",
    "jnp.isclose",
    "jnp.isin",
)
AUG_OPERATORS = {cst.AddAssign: "+", cst.SubtractAssign: "-", cst.MultiplyAssign: "*", cst.DivideAssign: "/"}


def is_mask(node: cst.BaseExpression, ctx) -> bool:
    """Whether `node` (already translated) is certainly a boolean array."""
    if isinstance(node, cst.Comparison):
        return True
    if isinstance(node, cst.Name):
        return node.value in ctx.mask_names
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.BitInvert):
        return is_mask(node.expression, ctx)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.BitAnd, cst.BitOr, cst.BitXor)):
        return is_mask(node.left, ctx) and is_mask(node.right, ctx)
    if isinstance(node, cst.Call):
        return code(node.func) in BOOL_FUNCTIONS
    return False


def mask_index(node: cst.BaseExpression, ctx) -> cst.BaseExpression | None:
    """The mask of `x[mask]` (a single boolean index), or None."""
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        index = node.slice[0].slice.value
        if is_mask(index, ctx):
            return index
    return None


@register
class RememberMasks(StatementRule):
    """Records variables assigned a boolean mask (`mask = x > 0`) so that `y[mask]` is known to be masked
    indexing; changes nothing."""

    priority = 50
    observes_only = True
    examples = [
        Example(
            torch="keep = x > 0\ny = x[keep].sum()",
            jax="keep = x > 0\ny = torch_masked_sum(x, keep)",
            inputs={"x": [3, 4]},
        )
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        small = node.body[0] if len(node.body) == 1 else None
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            name = small.targets[0].target.value
            if is_mask(small.value, ctx):
                ctx.mask_names.add(name)
            else:
                ctx.mask_names.discard(name)
        return None


@register
class MaskedAssignment(StatementRule):
    """`y[mask] = v` -> `y = jnp.where(torch_index_mask(mask, y), v, y)`; `y[mask] += v` likewise with `y + v`;
    `y[mask] = z[mask]` takes z where the mask is set. A mask over leading dimensions selects whole rows, as in
    torch; `v` must broadcast to `y` (a scalar or a full-shaped array)."""

    priority = 10  # before ItemAssignment, whose .at[mask] cannot be traced with a boolean mask
    examples = [
        Example(
            torch="y = x * 2\ny[x > 0.5] = 0.0\nm = y < -1\ny[m] += 1.0\ny[m] = x[m]",
            jax="y = x * 2\ny = jnp.where(torch_index_mask(x > 0.5, y), 0.0, y)\nm = y < -1\n"
            "y = jnp.where(torch_index_mask(m, y), y + 1.0, y)\ny = jnp.where(torch_index_mask(m, y), x, y)",
            inputs={"x": [4, 5]},
        ),
        Example(
            torch="y = x + 0\ny[x[:, 0] > 0] = -1.0",
            jax="y = x + 0\ny = jnp.where(torch_index_mask(x[:, 0] > 0, y), -1.0, y)",
            inputs={"x": [6, 3]},
        ),
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        if len(node.body) != 1:
            return None
        small = node.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value, operator = small.targets[0].target, small.value, None
        elif isinstance(small, cst.AugAssign) and type(small.operator) in AUG_OPERATORS:
            target, value, operator = small.target, small.value, AUG_OPERATORS[type(small.operator)]
        else:
            return None
        mask = mask_index(target, ctx)
        if mask is None or not isinstance(target.value, cst.Name):
            return None
        base = target.value
        value_mask = mask_index(value, ctx)
        if value_mask is not None and code(value_mask) == code(mask):
            value = value.value  # y[m] = z[m]: z where m is set
        if operator is not None:
            value = (
                cst.parse_expression(f"{code(base)} {operator} ({code(value)})")
                if isinstance(value, (cst.BinaryOperation, cst.Comparison, cst.BooleanOperation, cst.IfExp))
                else cst.parse_expression(f"{code(base)} {operator} {code(value)}")
            )
        ctx.use("jnp")
        where = call(
            "jnp.where", [arg(call(ctx.helper("torch_index_mask"), [arg(mask), arg(base)])), arg(value), arg(base)]
        )
        return [node.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(base)], value=where)])]


@register
class MaskedReduction(MethodRule):
    """`x[mask].sum()` / `x[mask].mean()` -> torch_masked_sum / torch_masked_mean (static shapes, so jit-able
    and differentiable like torch's: the unselected elements get zero gradient)."""

    methods = ("sum", "mean")
    priority = 10
    examples = [
        Example(
            torch="y = x[x > 0].sum() + x[x < 0.5].mean()",
            jax="y = torch_masked_sum(x, x > 0) + torch_masked_mean(x, x < 0.5)",
            inputs={"x": [3, 4]},
        ),
        Example(
            torch="keep = x[:, 0] > 0\ny = x[keep].mean()",
            jax="keep = x[:, 0] > 0\ny = torch_masked_mean(x, keep)",
            inputs={"x": [8, 3]},
        ),
        Example(torch="y = x[idx].sum()", jax="y = x[idx].sum()", verify=False, fires=False),
    ]

    def rewrite(
        self, node: cst.Call, ctx: Context, receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | None:
        mask = mask_index(receiver, ctx)
        if mask is None or node.args:
            return None
        helper = {"sum": "torch_masked_sum", "mean": "torch_masked_mean"}[name]
        return call(ctx.helper(helper), [arg(receiver.value), arg(mask)])
