import math

import jax
import jax.numpy as jnp
from flax import nnx


class LSTM(nnx.Module):
    def __init__(self, input_size, hidden_size, *, rngs: nnx.Rngs):
        k = 1.0 / math.sqrt(hidden_size)
        u = lambda shape: nnx.Param(jax.random.uniform(rngs.params(), shape, minval=-k, maxval=k))
        for sfx in ("", "_reverse"):
            setattr(self, f"weight_ih_l0{sfx}", u((4 * hidden_size, input_size)))
            setattr(self, f"weight_hh_l0{sfx}", u((4 * hidden_size, hidden_size)))
            setattr(self, f"bias_ih_l0{sfx}", u((4 * hidden_size,)))
            setattr(self, f"bias_hh_l0{sfx}", u((4 * hidden_size,)))
        self.hidden_size = hidden_size

    def _run(self, x, sfx):
        w_hh = getattr(self, f"weight_hh_l0{sfx}")[...]
        xw = (x @ getattr(self, f"weight_ih_l0{sfx}")[...].T + getattr(self, f"bias_ih_l0{sfx}")[...]
              + getattr(self, f"bias_hh_l0{sfx}")[...])

        def step(carry, xw_t):
            h, c = carry
            i, f, g, o = jnp.split(xw_t + h @ w_hh.T, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), h

        zeros = jnp.zeros((x.shape[1], self.hidden_size), x.dtype)
        return jax.lax.scan(step, (zeros, zeros), xw)[1]

    def __call__(self, x):  # (T, B, F)
        fwd = self._run(x, "")
        bwd = self._run(x[::-1], "_reverse")  # BUG: outputs left in reversed time order (missing [::-1])
        return jnp.concatenate([fwd, bwd], axis=-1), None


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.lstm = LSTM(3, 4, rngs=rngs)

    def __call__(self, x):
        return self.lstm(x)[0]
