import math

import jax
import jax.numpy as jnp
from flax import nnx


class GRU(nnx.Module):
    """torch.nn.GRU, one layer: gate order (reset, update, new); the reset gate scales (W_hn h + b_hn)."""

    def __init__(self, input_size, hidden_size, *, rngs: nnx.Rngs):
        k = 1.0 / math.sqrt(hidden_size)
        u = lambda shape: nnx.Param(jax.random.uniform(rngs.params(), shape, minval=-k, maxval=k))
        self.weight_ih_l0 = u((3 * hidden_size, input_size))
        self.weight_hh_l0 = u((3 * hidden_size, hidden_size))
        self.bias_ih_l0 = u((3 * hidden_size,))
        self.bias_hh_l0 = u((3 * hidden_size,))

    def __call__(self, x, h0):
        w_hh, b_hh = self.weight_hh_l0[...], self.bias_hh_l0[...]
        xw = x @ self.weight_ih_l0[...].T + self.bias_ih_l0[...]

        def step(h, xw_t):
            x_r, x_z, x_n = jnp.split(xw_t, 3, axis=-1)
            h_r, h_z, h_n = jnp.split(h @ w_hh.T + b_hh, 3, axis=-1)
            r = jax.nn.sigmoid(x_r + h_r)
            z = jax.nn.sigmoid(x_z + h_z)
            n = jnp.tanh(x_n + r * h_n)
            h = (1 - z) * n + z * h
            return h, h

        h, ys = jax.lax.scan(step, h0[0], xw)
        return ys, h[None]


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.gru = GRU(4, 6, rngs=rngs)

    def __call__(self, x, h0):
        out, h = self.gru(x, h0)
        return out[-1] + h[0]
