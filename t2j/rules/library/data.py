"""Data loading: DataLoader -> NumPy batching, TensorDataset -> a tuple of arrays, Dataset -> a plain class."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import AttributeRule, CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import call, expr


@register
class Data(CallRule):
    """DataLoader -> NumpyLoader (NumPy shuffling), TensorDataset -> an indexable tuple of arrays."""

    targets = ("torch.utils.data.DataLoader", "torch.utils.data.TensorDataset")
    examples = [
        Example(
            torch="loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8, shuffle=True)",
            jax="loader = NumpyLoader(TensorDataset(x, y), batch_size=8, shuffle=True)",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if qualname.endswith("TensorDataset"):
            return call(ctx.helper("TensorDataset"), node.args)
        return call(ctx.helper("NumpyLoader"), node.args)


@register
class DatasetBase(AttributeRule):
    """`class D(torch.utils.data.Dataset)` -> a plain class (NumpyLoader only needs __len__/__getitem__)."""

    targets = ("torch.utils.data.Dataset",)
    examples = [
        Example(
            torch="class Pairs(torch.utils.data.Dataset):\n    def __len__(self):\n        return 4",
            jax="class Pairs(object):\n    def __len__(self):\n        return 4",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        return expr("object")
