"""Reading a registered buffer: `self.idx` is an nnx.Variable, which JAX accepts in arithmetic but not as an
index (`table[self.idx]` fails under jit); reads outside __init__ take its value, `self.idx[...]`, also in a
subclass reading a buffer its base class registered."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import Example, FunctionRule, register
from t2j.rules.context import Context


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


def inherited_buffers(cls: str, ctx: Context) -> set[str]:
    """The buffers `cls` registered, with those of its base classes defined in the file (defined before it, so
    registered by the time its methods are rewritten)."""
    names: set[str] = set()
    seen: set[str] = set()
    stack = [cls]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        names |= ctx.buffers.get(name, set())
        stack.extend(ctx.info.class_bases.get(name, []))
    return names


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
        ),
        Example(  # a subclass reading its base's buffer (torchvision's ShiftedWindowAttentionV2)
            torch="class A(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.register_buffer('idx', torch.arange(3))\n"
            "class B(A):\n    def forward(self, x):\n        return torch.index_select(x, 1, self.idx)",
            jax="class A(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n"
            "        self.idx = nnx.Variable(jnp.arange(3))\n"
            "class B(A):\n    def __call__(self, x):\n        return jnp.take(x, self.idx[...], axis=1)",
            verify=False,  # two classes; tests/test_wild_attention.py verifies the construct end to end
        ),
    ]

    def rewrite(self, node, ctx):
        if not ctx.classes or node.name.value == "__init__" or len(ctx.functions) != 1:
            return None
        names = inherited_buffers(ctx.classes[-1].name, ctx)
        if not names:
            return None
        new = node.visit(_Reads(names))
        return None if new.deep_equals(node) else new
