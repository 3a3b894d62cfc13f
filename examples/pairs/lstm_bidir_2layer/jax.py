import math

import jax
import jax.numpy as jnp
from flax import nnx


class LSTM(nnx.Module):
    """torch.nn.LSTM: torch parameter names and layout, gate order (input, forget, cell, output)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bidirectional=False, batch_first=False, *,
                 rngs: nnx.Rngs):
        k = 1.0 / math.sqrt(hidden_size)
        u = lambda shape: nnx.Param(jax.random.uniform(rngs.params(), shape, minval=-k, maxval=k))
        self.directions = ["", "_reverse"] if bidirectional else [""]
        for layer in range(num_layers):
            size = input_size if layer == 0 else hidden_size * len(self.directions)
            for sfx in self.directions:
                setattr(self, f"weight_ih_l{layer}{sfx}", u((4 * hidden_size, size)))
                setattr(self, f"weight_hh_l{layer}{sfx}", u((4 * hidden_size, hidden_size)))
                setattr(self, f"bias_ih_l{layer}{sfx}", u((4 * hidden_size,)))
                setattr(self, f"bias_hh_l{layer}{sfx}", u((4 * hidden_size,)))
        self.hidden_size, self.num_layers, self.batch_first = hidden_size, num_layers, batch_first

    def _direction(self, x, name, reverse):
        w_ih = getattr(self, f"weight_ih_{name}")[...]
        w_hh = getattr(self, f"weight_hh_{name}")[...]
        xw = x @ w_ih.T + getattr(self, f"bias_ih_{name}")[...] + getattr(self, f"bias_hh_{name}")[...]

        def step(carry, xw_t):
            h, c = carry
            i, f, g, o = jnp.split(xw_t + h @ w_hh.T, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), h

        zeros = jnp.zeros((x.shape[1], self.hidden_size), x.dtype)
        (h, c), ys = jax.lax.scan(step, (zeros, zeros), xw, reverse=reverse)
        return ys, h, c

    def __call__(self, x):
        if self.batch_first:
            x = jnp.swapaxes(x, 0, 1)
        hs, cs = [], []
        for layer in range(self.num_layers):
            outs = []
            for sfx in self.directions:
                ys, h, c = self._direction(x, f"l{layer}{sfx}", reverse=sfx == "_reverse")
                outs.append(ys)
                hs.append(h)
                cs.append(c)
            x = jnp.concatenate(outs, axis=-1)
        out = jnp.swapaxes(x, 0, 1) if self.batch_first else x
        return out, (jnp.stack(hs), jnp.stack(cs))


class Model(nnx.Module):
    def __init__(self, input_size, hidden_size, *, rngs: nnx.Rngs):
        self.lstm = LSTM(input_size, hidden_size, num_layers=2, bidirectional=True, batch_first=True, rngs=rngs)
        self.fc = nnx.Linear(2 * hidden_size, 3, rngs=rngs)

    def __call__(self, x):
        out, (h, c) = self.lstm(x)
        return self.fc(out), (h, c)
