"""Reading a registered buffer: `self.idx` is an nnx.Variable, which JAX accepts in arithmetic but not as an
index (`table[self.idx]` fails under jit); reads outside __init__ take its value, `self.idx[...]`."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import Example, FunctionRule, register


class _Reads(cst.CSTTransformer):
    def __init__(self, names: set[str]):
        super().__init__()
        self.names = names
        self.skip: set[int] = set()  # assignment targets, and `self.x[...]` / `self.x.value` already explicit

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        self.skip.add(id(node.target))
        return True

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self.skip.add(id(node.target))
        return True

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        self.skip.add(id(node.value))
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.skip.add(id(node.value))  # `self.x.value`, `self.x.shape`: attribute access on the Variable
        return True

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if id(original) in self.skip or not (isinstance(original.value, cst.Name) and original.value.value == "self"):
            return updated
        if original.attr.value not in self.names:
            return updated
        return cst.Subscript(value=updated, slice=[cst.SubscriptElement(slice=cst.Index(value=cst.Ellipsis()))])


@register
class BufferReads(FunctionRule):
    """In a module's methods other than __init__, `self.<buffer>` (registered with register_buffer) -> its
    value `self.<buffer>[...]`, so that it works as an index under jit too."""

    examples = [
        Example(
            torch="class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.register_buffer('idx', torch.arange(3))\n    def forward(self, x):\n        return x[:, self.idx]",
            jax="class M(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n"
            "        self.idx = nnx.Variable(jnp.arange(3))\n    def __call__(self, x):\n        return x[:, self.idx[...]]",
            verify=False,
        )
    ]

    def rewrite(self, node, ctx):
        if not ctx.classes or node.name.value == "__init__" or len(ctx.functions) != 1:
            return None
        names = ctx.buffers.get(ctx.classes[-1].name)
        if not names:
            return None
        new = node.visit(_Reads(names))
        return None if new.deep_equals(node) else new
