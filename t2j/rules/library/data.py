"""Data loading: DataLoader -> NumPy batching, TensorDataset -> a tuple of arrays, Dataset -> a plain class."""

from __future__ import annotations

from t2j.rules.base import AttributeRule, CallRule, Example
from t2j.rules.cstutil import call, expr


class Data(CallRule):
    """DataLoader -> NumpyLoader (NumPy shuffling), TensorDataset -> an indexable tuple of arrays."""

    targets = ("torch.utils.data.DataLoader", "torch.utils.data.TensorDataset")
    examples = [Example(torch="loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8, shuffle=True)",
                        jax="loader = NumpyLoader(TensorDataset(x, y), batch_size=8, shuffle=True)", verify=False)]

    def rewrite(self, node, ctx, qualname):
        if qualname.endswith("TensorDataset"):
            return call(ctx.helper("TensorDataset"), node.args)
        return call(ctx.helper("NumpyLoader"), node.args)


class DatasetBase(AttributeRule):
    """`class D(torch.utils.data.Dataset)` -> a plain class (NumpyLoader only needs __len__/__getitem__)."""

    targets = ("torch.utils.data.Dataset",)
    examples = []

    def rewrite(self, node, ctx, qualname):
        return expr("object")
