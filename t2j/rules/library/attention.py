"""F.scaled_dot_product_attention as jax.nn.dot_product_attention, where that is torch's computation exactly."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, literal
from t2j.rules.library.masks import is_mask


def _literal(node: cst.BaseExpression):
    try:
        return literal(node)
    except (ValueError, SyntaxError):
        return node  # not a literal: never equal to one


SDPA_PARAMS = ["query", "key", "value", "attn_mask", "dropout_p", "is_causal", "scale", "enable_gqa"]


def drops_attention(node: cst.Call) -> bool:
    """Whether an F.scaled_dot_product_attention call may drop attention weights (dropout_p not literally 0)."""
    b = bind(node, SDPA_PARAMS)
    return b is None or ("dropout_p" in b and _literal(b["dropout_p"]) != 0)


def _heads_second_to_last(x: cst.BaseExpression) -> cst.Call:
    """torch's (..., heads, L, E) as jax's (..., L, heads, E), and back (the same swap)."""
    return call("jnp.swapaxes", [arg(x), arg("-3"), arg("-2")])


@register
class NativeAttention(CallRule):
    """`F.scaled_dot_product_attention(q, k, v, ...)` -> `jax.nn.dot_product_attention` on the heads-before-length
    layout swapped to jax's (B, L, heads, E). Exact: both scale q.k by 1/sqrt(E) (or `scale`), compute the logits
    and the softmax in float32 and take the causal mask top-left aligned (`tril(ones(L, S))`). A boolean mask
    becomes torch's own additive mask, `bias=jnp.where(m, 0.0, -jnp.inf)` (jax's `mask=` puts a large finite
    negative there instead, which differs from torch where a row masks every key: NaN in torch), so it is used only
    when the mask is certainly boolean. Left to the emitted helper: a mask of unknown dtype (a float mask is added,
    a boolean one selects), dropout, enable_gqa."""

    targets = ("torch.nn.functional.scaled_dot_product_attention",)
    priority = 10  # before FunctionalMisc's helper
    examples = [
        Example(
            torch="y = F.scaled_dot_product_attention(x, x, x)",
            jax="y = jnp.swapaxes(jax.nn.dot_product_attention(jnp.swapaxes(x, -3, -2), jnp.swapaxes(x, -3, -2), "
            "jnp.swapaxes(x, -3, -2)), -3, -2)",
            inputs={"x": [2, 3, 5, 4]},
        ),
        Example(
            torch="y = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3)",
            jax="y = jnp.swapaxes(jax.nn.dot_product_attention(jnp.swapaxes(q, -3, -2), jnp.swapaxes(k, -3, -2), "
            "jnp.swapaxes(v, -3, -2), is_causal=True, scale=0.3), -3, -2)",
            inputs={"q": [2, 2, 5, 4], "k": [2, 2, 7, 4], "v": [2, 2, 7, 4]},
        ),
        Example(  # every row keeps its own key (x_i . x_i > 0), as a real mask does
            torch="m = x @ x.transpose(-2, -1) > 0\ny = F.scaled_dot_product_attention(x, x, x, attn_mask=m)",
            jax="m = x @ jnp.swapaxes(x, -2, -1) > 0\ny = jnp.swapaxes(jax.nn.dot_product_attention(jnp.swapaxes(x, -3, -2), "
            "jnp.swapaxes(x, -3, -2), jnp.swapaxes(x, -3, -2), bias=jnp.where(m, 0.0, -jnp.inf)), -3, -2)",
            inputs={"x": [2, 2, 5, 4]},
        ),
        Example(
            torch="y = F.scaled_dot_product_attention(x, x, x, mask)",
            jax="y = torch_scaled_dot_product_attention(x, x, x, mask)",
            inputs={"x": [2, 2, 5, 4], "mask": [5, 5]},
            fires=False,
        ),
        Example(
            torch="y = F.scaled_dot_product_attention(x, x, x, dropout_p=0.1)",
            jax="y = F.scaled_dot_product_attention(x, x, x, dropout_p=0.1)"
            "  # t2j: not translated: torch.nn.functional.scaled_dot_product_attention",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        b = bind(node, SDPA_PARAMS)
        if b is None or not all(name in b for name in ("query", "key", "value")):
            return None
        if drops_attention(node):
            return None
        if "enable_gqa" in b and _literal(b["enable_gqa"]) is not False:
            return None
        mask = b.get("attn_mask")
        if mask is not None and not (isinstance(mask, cst.Name) and mask.value == "None"):
            if not is_mask(mask, ctx):
                return None
            bias = call("jnp.where", [arg(mask), arg("0.0"), arg("-jnp.inf")])
        else:
            bias = None
        args = [arg(_heads_second_to_last(b[name])) for name in ("query", "key", "value")]
        if bias is not None:
            args.append(arg(bias, "bias"))
        for name in ("is_causal", "scale"):
            if name in b:
                args.append(arg(b[name], name))
        ctx.use("jax", "jnp")
        return _heads_second_to_last(call("jax.nn.dot_product_attention", args))
