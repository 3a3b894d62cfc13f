"""Recurrent layers (RNN/LSTM/GRU, multi-layer, bidirectional) via lax.scan, and their cells."""

import math

import jax
import jax.numpy as jnp
from flax import nnx
from jax import lax

from t2j.rules.runtime.common import torch_uniform


class TorchRNNBase(nnx.Module):
    """nn.RNN/LSTM/GRU with torch parameter names (weight_ih_l0, ..._reverse), torch gate order, lax.scan."""

    gates = 1
    mode = "RNN_TANH"

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        *,
        rngs: nnx.Rngs,
    ):
        self.hidden_size, self.num_layers, self.bias = hidden_size, num_layers, bias
        self.batch_first, self.bidirectional = batch_first, bidirectional
        # torch drops the outputs of every layer but the last (train mode only; nnx.Dropout follows .eval())
        self.inter_layer_dropout = nnx.Dropout(dropout, rngs=rngs) if dropout and num_layers > 1 else None
        bound = 1.0 / math.sqrt(hidden_size)
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            layer_in = input_size if layer == 0 else hidden_size * directions
            for suffix in ["", "_reverse"][:directions]:
                g = self.gates * hidden_size
                setattr(
                    self, f"weight_ih_l{layer}{suffix}", nnx.Param(torch_uniform(rngs.params(), (g, layer_in), bound))
                )
                setattr(
                    self,
                    f"weight_hh_l{layer}{suffix}",
                    nnx.Param(torch_uniform(rngs.params(), (g, hidden_size), bound)),
                )
                if bias:
                    setattr(self, f"bias_ih_l{layer}{suffix}", nnx.Param(torch_uniform(rngs.params(), (g,), bound)))
                    setattr(self, f"bias_hh_l{layer}{suffix}", nnx.Param(torch_uniform(rngs.params(), (g,), bound)))

    def cell(self, x_proj, h, c, w_hh, b_hh):
        gh = h @ w_hh.T + b_hh
        if self.mode == "LSTM":
            i, f, g, o = jnp.split(x_proj + gh, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            return jax.nn.sigmoid(o) * jnp.tanh(c), c
        if self.mode == "GRU":
            xr, xz, xn = jnp.split(x_proj, 3, axis=-1)
            hr, hz, hn = jnp.split(gh, 3, axis=-1)
            r = jax.nn.sigmoid(xr + hr)
            z = jax.nn.sigmoid(xz + hz)
            n = jnp.tanh(xn + r * hn)
            return (1 - z) * n + z * h, c
        act = jnp.tanh if self.mode == "RNN_TANH" else jax.nn.relu
        return act(x_proj + gh), c

    def run_direction(self, xs, h0, c0, layer, suffix):
        w_ih = getattr(self, f"weight_ih_l{layer}{suffix}")[...]
        w_hh = getattr(self, f"weight_hh_l{layer}{suffix}")[...]
        b_ih = getattr(self, f"bias_ih_l{layer}{suffix}")[...] if self.bias else 0.0
        b_hh = getattr(self, f"bias_hh_l{layer}{suffix}")[...] if self.bias else 0.0
        proj = xs @ w_ih.T + b_ih  # (T, N, gates*H), computed for all steps at once

        def step(carry, xp):
            h, c = self.cell(xp, carry[0], carry[1], w_hh, b_hh)
            return (h, c), h

        (h, c), ys = lax.scan(step, (h0, c0), proj, reverse=bool(suffix))
        return ys, h, c

    def __call__(self, x, hx=None):
        unbatched = x.ndim == 2
        if unbatched:
            x = x[:, None]
        elif self.batch_first:
            x = jnp.swapaxes(x, 0, 1)
        directions = 2 if self.bidirectional else 1
        n = x.shape[1]
        zeros = jnp.zeros((self.num_layers * directions, n, self.hidden_size), x.dtype)
        if self.mode == "LSTM":
            h0, c0 = hx if hx is not None else (zeros, zeros)
        else:
            h0, c0 = (hx if hx is not None else zeros), zeros
        if unbatched and hx is not None:
            h0, c0 = h0[:, None], c0[:, None]
        hs, cs, layer_in = [], [], x
        for layer in range(self.num_layers):
            outs = []
            for d, suffix in enumerate(["", "_reverse"][:directions]):
                idx = layer * directions + d
                ys, h, c = self.run_direction(layer_in, h0[idx], c0[idx], layer, suffix)
                outs.append(ys)
                hs.append(h)
                cs.append(c)
            layer_in = jnp.concatenate(outs, axis=-1) if directions == 2 else outs[0]
            if self.inter_layer_dropout is not None and layer < self.num_layers - 1:
                layer_in = self.inter_layer_dropout(layer_in)
        out, h_n, c_n = layer_in, jnp.stack(hs), jnp.stack(cs)
        if unbatched:
            out, h_n, c_n = out[:, 0], h_n[:, 0], c_n[:, 0]
        elif self.batch_first:
            out = jnp.swapaxes(out, 0, 1)
        return (out, (h_n, c_n)) if self.mode == "LSTM" else (out, h_n)


class TorchLSTM(TorchRNNBase):
    gates = 4
    mode = "LSTM"


class TorchGRU(TorchRNNBase):
    gates = 3
    mode = "GRU"


class TorchRNN(TorchRNNBase):
    gates = 1

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        nonlinearity="tanh",
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        *,
        rngs: nnx.Rngs,
    ):
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, rngs=rngs)


class TorchRNNCellBase(nnx.Module):
    """nn.LSTMCell/GRUCell/RNNCell: weight_ih (gates*H, in), weight_hh (gates*H, H), torch gate order."""

    gates = 1
    mode = "RNN_TANH"

    def __init__(self, input_size, hidden_size, bias=True, *, rngs: nnx.Rngs):
        self.hidden_size = hidden_size
        bound = 1.0 / math.sqrt(hidden_size)
        g = self.gates * hidden_size
        self.weight_ih = nnx.Param(torch_uniform(rngs.params(), (g, input_size), bound))
        self.weight_hh = nnx.Param(torch_uniform(rngs.params(), (g, hidden_size), bound))
        self.bias_ih = nnx.Param(torch_uniform(rngs.params(), (g,), bound)) if bias else None
        self.bias_hh = nnx.Param(torch_uniform(rngs.params(), (g,), bound)) if bias else None

    def __call__(self, x, hx=None):
        zeros = jnp.zeros(x.shape[:-1] + (self.hidden_size,), x.dtype)
        gi = x @ self.weight_ih[...].T + (self.bias_ih[...] if self.bias_ih is not None else 0.0)
        if self.mode == "LSTM":
            h, c = hx if hx is not None else (zeros, zeros)
        else:
            h, c = (hx if hx is not None else zeros), None
        gh = h @ self.weight_hh[...].T + (self.bias_hh[...] if self.bias_hh is not None else 0.0)
        if self.mode == "LSTM":
            i, f, g, o = jnp.split(gi + gh, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            return jax.nn.sigmoid(o) * jnp.tanh(c), c
        if self.mode == "GRU":
            xr, xz, xn = jnp.split(gi, 3, axis=-1)
            hr, hz, hn = jnp.split(gh, 3, axis=-1)
            r, z = jax.nn.sigmoid(xr + hr), jax.nn.sigmoid(xz + hz)
            n = jnp.tanh(xn + r * hn)
            return (1 - z) * n + z * h
        act = jnp.tanh if self.mode == "RNN_TANH" else jax.nn.relu
        return act(gi + gh)


class TorchLSTMCell(TorchRNNCellBase):
    gates = 4
    mode = "LSTM"


class TorchGRUCell(TorchRNNCellBase):
    gates = 3
    mode = "GRU"


class TorchRNNCell(TorchRNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", *, rngs: nnx.Rngs):
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, rngs=rngs)
