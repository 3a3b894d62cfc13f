import math

import jax
import jax.numpy as jnp
from flax import nnx


class RNN(nnx.Module):
    """torch.nn.RNN (tanh), weights named and laid out as torch's, unrolled with jax.lax.scan."""

    def __init__(self, input_size, hidden_size, num_layers=1, batch_first=False, *, rngs: nnx.Rngs):
        k = 1.0 / math.sqrt(hidden_size)
        u = lambda shape: nnx.Param(jax.random.uniform(rngs.params(), shape, minval=-k, maxval=k))
        for layer in range(num_layers):
            size = input_size if layer == 0 else hidden_size
            setattr(self, f"weight_ih_l{layer}", u((hidden_size, size)))
            setattr(self, f"weight_hh_l{layer}", u((hidden_size, hidden_size)))
            setattr(self, f"bias_ih_l{layer}", u((hidden_size,)))
            setattr(self, f"bias_hh_l{layer}", u((hidden_size,)))
        self.hidden_size, self.num_layers, self.batch_first = hidden_size, num_layers, batch_first

    def __call__(self, x):
        if self.batch_first:
            x = jnp.swapaxes(x, 0, 1)  # (T, B, F)
        finals = []
        for layer in range(self.num_layers):
            w_ih = getattr(self, f"weight_ih_l{layer}")[...]
            w_hh = getattr(self, f"weight_hh_l{layer}")[...]
            b = getattr(self, f"bias_ih_l{layer}")[...] + getattr(self, f"bias_hh_l{layer}")[...]
            xw = x @ w_ih.T + b

            def step(h, xw_t):
                h = jnp.tanh(xw_t + h @ w_hh.T)
                return h, h

            h0 = jnp.zeros((x.shape[1], self.hidden_size), x.dtype)
            h_last, x = jax.lax.scan(step, h0, xw)
            finals.append(h_last)
        out = jnp.swapaxes(x, 0, 1) if self.batch_first else x
        return out, jnp.stack(finals)


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.rnn = RNN(5, 7, num_layers=2, batch_first=True, rngs=rngs)

    def __call__(self, x):
        out, h = self.rnn(x)
        return out, h
