"""The shared rewrite of torch tensor operations to jax.numpy, for the function form (`torch.reshape(x, ...)`),
the method form (`x.reshape(...)`) and statements: one place that knows each operation's torch semantics."""

from __future__ import annotations

import libcst as cst

from t2j.rules.cstutil import arg, call, code, rename_keywords

AXIS = {"dim": "axis", "keepdim": "keepdims", "input": None, "out": None}


def _flatten_batch(x: cst.BaseExpression, rest: list[cst.Arg]) -> cst.BaseExpression | None:
    """`flatten(x, 1)` of a named tensor -> `x.reshape(x.shape[0], -1)`; of a global average pool's
    `jnp.mean(x, axis=..., keepdims=True)` -> `jnp.mean(x, axis=...).reshape(x.shape[0], -1)` (same shape)."""
    if (
        len(rest) != 1
        or not isinstance(rest[0].value, cst.Integer)
        or rest[0].value.value != "1"
        or (rest[0].keyword is not None and rest[0].keyword.value != "start_dim")
    ):
        return None
    source = x
    if (
        isinstance(x, cst.Call)
        and code(x.func) == "jnp.mean"
        and len(x.args) == 3
        and isinstance(x.args[0].value, cst.Name)
        and [a.keyword.value if a.keyword else None for a in x.args] == [None, "axis", "keepdims"]
        and code(x.args[2].value) == "True"
    ):
        source = x.args[0].value
        x = x.with_changes(args=[x.args[0], x.args[1].with_changes(comma=cst.MaybeSentinel.DEFAULT)])
    elif not isinstance(x, cst.Name):
        return None
    rows = cst.Subscript(
        value=cst.Attribute(value=source, attr=cst.Name("shape")),
        slice=[cst.SubscriptElement(cst.Index(cst.Integer("0")))],
    )
    return call(cst.Attribute(value=x, attr=cst.Name("reshape")), [arg(rows), arg("-1")])


def tensor_op(name: str, x: cst.BaseExpression, rest: list[cst.Arg], ctx) -> cst.BaseExpression | None:
    """Shared by torch.<name>(x, ...) and x.<name>(...)."""
    ctx.use("jnp")
    pos = [a for a in rest if a.keyword is None]
    kws = {a.keyword.value: a for a in rest if a.keyword is not None}
    if any(a.star for a in rest) and name not in ("reshape", "view", "permute", "repeat", "expand", "tile"):
        return None
    X = arg(x)
    if name in ("reshape", "view"):
        if "shape" in kws or "size" in kws:
            rest = [arg((kws.get("shape") or kws.get("size")).value)]
        return call(cst.Attribute(value=paren(x), attr=cst.Name("reshape")), rest)
    if name in ("transpose", "swapaxes", "swapdims"):
        if not rest:
            return cst.Attribute(value=paren(x), attr=cst.Name("T"))
        return call("jnp.swapaxes", [X] + rename_keywords(rest, {"dim0": None, "dim1": None}))
    if name == "t":
        if isinstance(x, cst.Attribute) and x.attr.value == "T":  # `fc.weight.t()` is nnx's `fc.kernel`
            return x.value
        return cst.Attribute(value=paren(x), attr=cst.Name("T"))
    if name == "permute":
        dims = kws.get("dims")
        if dims is not None:
            return call("jnp.transpose", [X, arg(dims.value)])
        if len(pos) == 1 and not pos[0].star:
            return call("jnp.transpose", [X, arg(pos[0].value)])
        elems = [cst.Element(a.value) if not a.star else cst.StarredElement(a.value) for a in pos]
        return call("jnp.transpose", [X, arg(cst.Tuple(elements=elems))])
    if name in ("movedim", "moveaxis"):
        return call("jnp.moveaxis", [X] + rename_keywords(rest, {"source": "source", "destination": "destination"}))
    if name == "flatten":
        native = _flatten_batch(x, rest)
        return native if native is not None else call(ctx.helper("torch_flatten"), [X] + rest)
    if name == "unflatten":
        return call(ctx.helper("torch_unflatten"), [X] + rest)
    if name == "squeeze":
        if not rest:
            return call("jnp.squeeze", [X])
        dim = kws.get("dim") or (pos[0] if pos else None)
        if dim is None:
            return None
        if isinstance(x, cst.Call) and code(x.func) == "jnp.expand_dims" and len(x.args) == 2:
            if code(x.args[1].value) == code(dim.value):  # the dimension just added: of size 1
                return call("jnp.squeeze", [X, arg(dim.value)])
        # torch leaves a dimension that is not of size 1 alone; jnp.squeeze raises on it
        return call(ctx.helper("torch_squeeze"), [X, arg(dim.value)])
    if name == "unsqueeze":
        return call("jnp.expand_dims", [X] + rename_keywords(rest, AXIS))
    if name in ("chunk", "split"):
        helper = "torch_chunk" if name == "chunk" else "torch_split"
        return call(ctx.helper(helper), [X] + rest)
    if name == "unbind":
        dim = kws.get("dim") or (pos[0] if pos else None)
        return call("tuple", [arg(call("jnp.unstack", [X] + ([arg(dim.value, "axis")] if dim else [])))])
    if name in ("gather", "take_along_dim"):
        dim = kws.get("dim") or (pos[0] if pos else None)
        index = kws.get("index") or kws.get("indices") or (pos[1] if len(pos) > 1 else None)
        if name == "take_along_dim":
            index, dim = (
                (kws.get("indices") or (pos[0] if pos else None)),
                (kws.get("dim") or (pos[1] if len(pos) > 1 else None)),
            )
        if dim is None or index is None:
            return None
        return call("jnp.take_along_axis", [X, arg(index.value), arg(dim.value, "axis")])
    if name == "index_select":
        dim = kws.get("dim") or (pos[0] if pos else None)
        index = kws.get("index") or (pos[1] if len(pos) > 1 else None)
        if dim is None or index is None:
            return None
        return call("jnp.take", [X, arg(index.value), arg(dim.value, "axis")])
    if name in ("clamp", "clip"):
        lo = kws.get("min") or (pos[0] if pos else None)
        hi = kws.get("max") or (pos[1] if len(pos) > 1 else None)
        out = [X]
        if lo is not None and not (isinstance(lo.value, cst.Name) and lo.value.value == "None"):
            out.append(arg(lo.value, "min"))
        if hi is not None and not (isinstance(hi.value, cst.Name) and hi.value.value == "None"):
            out.append(arg(hi.value, "max"))
        return call("jnp.clip", out)
    if name == "clamp_min":
        return call("jnp.maximum", [X, arg(rest[0].value)])
    if name == "clamp_max":
        return call("jnp.minimum", [X, arg(rest[0].value)])
    if name == "masked_fill":
        mask = kws.get("mask") or pos[0]
        value = kws.get("value") or pos[1]
        return call("jnp.where", [arg(mask.value), arg(value.value), X])
    if name == "topk":
        return call(ctx.helper("torch_topk"), [X] + rest)
    if name == "sort":
        return call(ctx.helper("torch_sort"), [X] + rest)
    if name == "repeat_interleave":
        return call("jnp.repeat", [X] + rename_keywords(rest, {**AXIS, "repeats": None}))
    if name == "roll":
        return call("jnp.roll", [X] + rename_keywords(rest, {"dims": "axis", "shifts": "shift"}))
    if name == "narrow":
        dim, start, length = (a.value for a in pos[:3])
        return call("jax.lax.dynamic_slice_in_dim", [X, arg(start), arg(length), arg(dim, "axis")])
    if name == "numel":
        return cst.Attribute(value=paren(x), attr=cst.Name("size"))
    if name in ("pow", "float_power"):
        e = kws.get("exponent") or pos[0]
        return cst.BinaryOperation(paren(x), cst.Power(), paren(e.value))
    if name in ("mul", "multiply", "add", "sub", "subtract", "div", "divide", "true_divide"):
        other = kws.get("other") or (pos[0] if pos else None)
        if other is None:
            return None
        o = other.value
        alpha = kws.get("alpha")
        if alpha is not None:
            o = cst.BinaryOperation(paren(alpha.value), cst.Multiply(), paren(o))
        if name in ("div", "divide") and "rounding_mode" in kws:
            mode = kws["rounding_mode"].value
            quotient = cst.BinaryOperation(paren(x), cst.Divide(), paren(o))
            from t2j.rules.cstutil import literal

            try:
                m = literal(mode)
            except ValueError:
                return None
            if m == "floor":
                return call("jnp.floor_divide", [X, arg(o)])
            if m == "trunc":
                return call("jnp.trunc", [arg(quotient)])
            return quotient
        op = {
            "mul": cst.Multiply(),
            "multiply": cst.Multiply(),
            "add": cst.Add(),
            "sub": cst.Subtract(),
            "subtract": cst.Subtract(),
            "div": cst.Divide(),
            "divide": cst.Divide(),
            "true_divide": cst.Divide(),
        }[name]
        return cst.BinaryOperation(paren(x), op, paren(o))
    if name in ("scatter", "scatter_add"):
        dim = kws.get("dim") or pos[0]
        index = kws.get("index") or pos[1]
        src = kws.get("src") or kws.get("value") or pos[2]
        extra = [arg('"add"', "reduce")] if name == "scatter_add" else []
        if "reduce" in kws:
            extra = [arg(kws["reduce"].value, "reduce")]
        return call(ctx.helper("torch_scatter"), [X, arg(dim.value), arg(index.value), arg(src.value)] + extra)
    if name == "norm":
        p = kws.get("p") or (pos[0] if pos else None)
        dim = kws.get("dim") or (pos[1] if len(pos) > 1 else None)
        keep = kws.get("keepdim") or (pos[2] if len(pos) > 2 else None)
        out = [X]
        if p is not None:
            if isinstance(p.value, cst.SimpleString):
                from t2j.rules.cstutil import literal

                if literal(p.value) != "fro":
                    return None
            else:
                out.append(arg(p.value, "ord"))
        if dim is not None:
            out.append(arg(dim.value, "axis"))
        if keep is not None:
            out.append(arg(keep.value, "keepdims"))
        return call("jnp.linalg.vector_norm", out)
    if name == "cdist":
        return call(ctx.helper("torch_cdist"), [X] + rest)
    if name == "cosine_similarity":
        return call(ctx.helper("torch_cosine_similarity"), [X] + rest)
    if name in ("sigmoid", "relu"):
        ctx.use("jax")
        return call(f"jax.nn.{name}", [X])
    if name == "rsqrt":
        ctx.use("jax")
        return call("jax.lax.rsqrt", [X])
    if name in ("erf", "erfc", "erfinv", "lgamma", "digamma"):
        ctx.use("jax")
        return call(f"jax.scipy.special.{name}" if name != "lgamma" else "jax.scipy.special.gammaln", [X])
    if name in ("softmax", "log_softmax"):
        ctx.use("jax")
        return call(f"jax.nn.{name}", [X] + rename_keywords(rest, {**AXIS, "dtype": None}))
    if name == "tile":
        return call("jnp.tile", [X] + rest)
    if name in ("sgn",):
        return call("jnp.sign", [X])
    if name == "mv":
        return call("jnp.matmul", [X] + rest)
    if name == "argwhere":
        return call("jnp.argwhere", [X])
    if name == "is_tensor":
        ctx.use("jax")
        return call("isinstance", [X, arg("jax.Array")])
    return None


def paren(node: cst.BaseExpression) -> cst.BaseExpression:
    """Parenthesize a compound operand so that the rebuilt expression keeps its meaning."""
    if (
        isinstance(
            node,
            (
                cst.BinaryOperation,
                cst.UnaryOperation,
                cst.BooleanOperation,
                cst.Comparison,
                cst.IfExp,
                cst.Lambda,
                cst.Await,
            ),
        )
        and not node.lpar
    ):
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node
