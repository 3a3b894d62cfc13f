"""torch.nn sequence layers -> emitted torch-layout modules: RNN/LSTM/GRU and their cells, MultiheadAttention, TransformerEncoder(Layer)."""

from __future__ import annotations


import libcst as cst

from t2j.rules.base import CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.library.layers import DROP, EmittedLayer
from t2j.rules.cstutil import arg, bind, call, keyword, rename_keywords


@register
class Recurrent(EmittedLayer):
    """nn.LSTM/GRU/RNN -> TorchLSTM/TorchGRU/TorchRNN: torch parameter names and gate order, lax.scan,
    layers, bidirectional, batch_first; returns (output, h_n) or (output, (h_n, c_n)) like torch."""

    targets = ("torch.nn.LSTM", "torch.nn.GRU", "torch.nn.RNN")
    examples = [
        Example(
            torch="self.rnn = nn.LSTM(4, 8, batch_first=True)\ny, _ = self.rnn(x)",
            jax="self.rnn = TorchLSTM(4, 8, batch_first=True, rngs=rngs)\ny, _ = self.rnn(x)",
            inputs={"x": [2, 5, 4]},
        ),
        Example(
            torch="self.rnn = nn.GRU(4, 8, num_layers=2, bidirectional=True)\ny, h = self.rnn(x)",
            jax="self.rnn = TorchGRU(4, 8, num_layers=2, bidirectional=True, rngs=rngs)\ny, h = self.rnn(x)",
            inputs={"x": [5, 2, 4]},
        ),
        Example(
            torch="self.rnn = nn.LSTM(4, 8, num_layers=2, dropout=0.2)\ny, _ = self.rnn(x)",
            jax="self.rnn = TorchLSTM(4, 8, num_layers=2, dropout=0.2, rngs=rngs)\ny, _ = self.rnn(x)",
            inputs={"x": [5, 2, 4]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        if keyword(node, "proj_size") is not None:
            return None
        self_helper = {"LSTM": "TorchLSTM", "GRU": "TorchGRU", "RNN": "TorchRNN"}[qualname.rsplit(".", 1)[1]]
        args = rename_keywords(node.args, DROP) + [arg(ctx.rngs(), "rngs")]
        return call(ctx.helper(self_helper), args)


@register
class Attention(EmittedLayer):
    """nn.MultiheadAttention -> TorchMultiheadAttention (packed in_proj_weight, out_proj, (L, N, E) unless
    batch_first; returns (output, averaged weights))."""

    targets = ("torch.nn.MultiheadAttention",)
    helper = "TorchMultiheadAttention"
    examples = [
        Example(
            torch="self.attn = nn.MultiheadAttention(8, 2, batch_first=True)\ny, w = self.attn(x, x, x)",
            jax="self.attn = TorchMultiheadAttention(8, 2, batch_first=True, rngs=rngs)\ny, w = self.attn(x, x, x)",
            inputs={"x": [2, 5, 8]},
        )
    ]


@register
class TransformerEncoderLayer(EmittedLayer):
    """nn.TransformerEncoderLayer -> TorchTransformerEncoderLayer (torch names: self_attn, linear1/2, norm1/2)."""

    targets = ("torch.nn.TransformerEncoderLayer",)
    helper = "TorchTransformerEncoderLayer"
    examples = [
        Example(
            torch="self.layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)\ny = self.layer(x)",
            jax="self.layer = TorchTransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, rngs=rngs)\ny = self.layer(x)",
            inputs={"x": [2, 5, 8]},
        )
    ]


@register
class TransformerEncoder(CallRule):
    """nn.TransformerEncoder(layer, n) -> TorchTransformerEncoder(lambda rngs: <layer>, n): torch clones
    the layer; JAX builds n fresh ones (named layers.0, layers.1, ... like torch)."""

    targets = ("torch.nn.TransformerEncoder",)
    examples = [
        Example(
            torch="self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True), 2)\ny = self.enc(x)",
            jax="self.enc = TorchTransformerEncoder(lambda rngs: TorchTransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True, rngs=rngs), 2, rngs=rngs)\ny = self.enc(x)",
            inputs={"x": [2, 5, 8]},
        )
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        b = bind(node, ["encoder_layer", "num_layers", "norm", "enable_nested_tensor", "mask_check"])
        if b is None or "encoder_layer" not in b:
            return None
        layer = b["encoder_layer"]
        make = cst.Lambda(params=cst.Parameters(params=[cst.Param(cst.Name("rngs"))]), body=_layer_source(layer, ctx))
        if make is None:
            return None
        args = [arg(make), arg(b["num_layers"])]
        if "norm" in b:
            args.append(arg(b["norm"], "norm"))
        return call(ctx.helper("TorchTransformerEncoder"), args + [arg(ctx.rngs(), "rngs")])


def _layer_source(layer, ctx):
    """A fresh-layer expression: the constructor call itself (already translated), or a copy of a variable."""
    if isinstance(layer, cst.Call):
        return layer
    ctx.use("nnx")
    return call("nnx.clone", [arg(layer)])


@register
class RecurrentCells(EmittedLayer):
    """nn.LSTMCell/GRUCell/RNNCell -> TorchLSTMCell/... (weight_ih, weight_hh, bias_ih, bias_hh as torch)."""

    cells = {"LSTMCell": "TorchLSTMCell", "GRUCell": "TorchGRUCell", "RNNCell": "TorchRNNCell"}
    targets = tuple(f"torch.nn.{name}" for name in cells)
    examples = [
        Example(
            torch="self.cell = nn.GRUCell(4, 6)\ny = self.cell(x)",
            jax="self.cell = TorchGRUCell(4, 6, rngs=rngs)\ny = self.cell(x)",
            inputs={"x": [3, 4]},
        ),
        Example(
            torch="self.cell = nn.LSTMCell(4, 6)\nh, c = self.cell(x)\ny = h + c",
            jax="self.cell = TorchLSTMCell(4, 6, rngs=rngs)\nh, c = self.cell(x)\ny = h + c",
            inputs={"x": [3, 4]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        helper = self.cells[qualname.rsplit(".", 1)[1]]
        return call(ctx.helper(helper), rename_keywords(node.args, DROP) + [arg(ctx.rngs(), "rngs")])
