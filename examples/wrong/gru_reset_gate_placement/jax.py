import math

import jax
import jax.numpy as jnp
from flax import nnx


class GRU(nnx.Module):
    def __init__(self, input_size, hidden_size, *, rngs: nnx.Rngs):
        k = 1.0 / math.sqrt(hidden_size)
        u = lambda shape: nnx.Param(jax.random.uniform(rngs.params(), shape, minval=-k, maxval=k))
        self.weight_ih_l0 = u((3 * hidden_size, input_size))
        self.weight_hh_l0 = u((3 * hidden_size, hidden_size))
        self.bias_ih_l0 = u((3 * hidden_size,))
        self.bias_hh_l0 = u((3 * hidden_size,))
        self.hidden_size = hidden_size

    def __call__(self, x):  # batch_first
        H = self.hidden_size
        w_hh, b_hh = self.weight_hh_l0[...], self.bias_hh_l0[...]
        xw = jnp.swapaxes(x, 0, 1) @ self.weight_ih_l0[...].T + self.bias_ih_l0[...]

        def step(h, xw_t):
            x_r, x_z, x_n = jnp.split(xw_t, 3, axis=-1)
            r = jax.nn.sigmoid(x_r + h @ w_hh[:H].T + b_hh[:H])
            z = jax.nn.sigmoid(x_z + h @ w_hh[H:2 * H].T + b_hh[H:2 * H])
            # BUG: reset applied to h before the matmul (the original GRU paper / Keras reset_after=False);
            # torch applies it after: r * (W_hn h + b_hn)
            n = jnp.tanh(x_n + (r * h) @ w_hh[2 * H:].T + b_hh[2 * H:])
            h = (1 - z) * n + z * h
            return h, h

        h0 = jnp.zeros((x.shape[0], H), x.dtype)
        _, ys = jax.lax.scan(step, h0, xw)
        return jnp.swapaxes(ys, 0, 1), None


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.gru = GRU(4, 6, rngs=rngs)

    def __call__(self, x):
        return self.gru(x)[0]
