"""A layer's weight read by name: nn.Linear's `weight` is nnx's transposed `kernel`, nn.Embedding's is
`embedding`."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import AttributeRule, Example, Tensor, register
from t2j.rules.context import Context


@register
class LayerWeights(AttributeRule):
    """`fc.weight` of an nn.Linear -> `fc.kernel.T` (nnx keeps the transpose); of an nn.Embedding without
    padding_idx -> `emb.embedding`."""

    attributes = ("weight",)
    examples = [
        Example(
            torch="self.fc = nn.Linear(4, 3)\ny = self.fc(x) + x @ self.fc.weight.t()",
            jax="self.fc = nnx.Linear(4, 3, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\ny = self.fc(x) + x @ self.fc.kernel",
            inputs={"x": [2, 4]},
        ),
        Example(
            torch="self.emb = nn.Embedding(10, 4)\ny = F.linear(self.emb(i), self.emb.weight)",
            jax="self.emb = nnx.Embed(10, 4, embedding_init=nnx.initializers.normal(1.0), rngs=rngs)\ny = jnp.matmul(self.emb(i), (self.emb.embedding).T)",
            inputs={"i": Tensor(shape=[2, 3], dtype="int64", high=10)},
        ),
        Example(  # a script reading a trained model's layer outside its class
            torch="class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, 1)\n"
            "\n\nmodel = Net()\nw = model.fc.weight",
            jax="class Net(nnx.Module):\n    def __init__(self, *, rngs: nnx.Rngs):\n        self.fc = nnx.Linear(2, 1, "
            "kernel_init=torch_kernel_init, bias_init=torch_bias_init(2), rngs=rngs)\nmodel = Net(rngs=rngs)\nw = model.fc.kernel.T",
            verify=False,
        ),
        Example(
            torch="self.conv = nn.Conv2d(3, 4, 3)\ny = self.conv(x) * self.conv.weight.sum()",
            jax="self.conv = TorchConv(3, 4, 3, ndim=2, rngs=rngs)\ny = self.conv(x) * self.conv.weight.sum()",
            inputs={"x": [1, 3, 5, 5]},
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        if not isinstance(node, cst.Attribute):
            return None
        owner = dotted(node.value)
        kind = ctx.info.layer_names.get(owner or "")
        parts = (owner or "").split(".")
        if kind is None and len(parts) == 2 and parts[0] != "self":  # `model.fc.weight` outside: its `self.fc`
            kind = ctx.info.layer_names.get(f"self.{parts[1]}")
        if kind == "torch.nn.Linear":
            return cst.Attribute(value=cst.Attribute(value=node.value, attr=cst.Name("kernel")), attr=cst.Name("T"))
        if kind == "torch.nn.Embedding":
            return cst.Attribute(value=node.value, attr=cst.Name("embedding"))
        return None


@register
class DoubleTranspose(AttributeRule):
    """`x.T.T` (torch's `fc.weight.T` once `fc.weight` reads nnx's `fc.kernel.T`) -> `x`: reversing the axes
    twice is the identity."""

    attributes = ("T",)
    examples = [
        Example(
            torch="self.fc = nn.Linear(4, 3)\ny = x @ self.fc.weight.T",
            jax="self.fc = nnx.Linear(4, 3, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\ny = x @ self.fc.kernel",
            inputs={"x": [2, 4]},
        ),
        Example(torch="y = x.T + 1.0", jax="y = x.T + 1.0", inputs={"x": [2, 4]}, fires=False),
    ]

    def rewrite(self, node, ctx, qualname):
        inner = node.value
        if isinstance(inner, cst.Attribute) and inner.attr.value == "T":
            return inner.value
        return None
