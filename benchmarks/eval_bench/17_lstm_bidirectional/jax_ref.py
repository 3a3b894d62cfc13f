import jax
import jax.numpy as jnp
from flax import nnx


def _uniform(key, shape, hidden):
    bound = 1.0 / hidden ** 0.5
    return jax.random.uniform(key, shape, minval=-bound, maxval=bound)


def lstm_direction(x, w_ih, w_hh, b_ih, b_hh, reverse):
    """Run one LSTM direction over time-major x (T, N, I) with torch's gate order i, f, g, o."""
    hidden = w_hh.shape[1]
    batch = x.shape[1]
    xs = x[::-1] if reverse else x
    gates_x = xs @ w_ih.T + b_ih + b_hh

    def step(carry, gx):
        h, c = carry
        gates = gx + h @ w_hh.T
        i, f, g, o = jnp.split(gates, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), h

    zeros = jnp.zeros((batch, hidden), x.dtype)
    (h, c), ys = jax.lax.scan(step, (zeros, zeros), gates_x)
    return (ys[::-1] if reverse else ys), h, c


class LSTM(nnx.Module):
    """torch.nn.LSTM (one layer, bidirectional, batch_first) with torch-named, torch-layout parameters."""

    def __init__(self, input_size, hidden_size, *, rngs: nnx.Rngs):
        h = hidden_size
        for suffix in ("_l0", "_l0_reverse"):
            setattr(self, "weight_ih" + suffix, nnx.Param(_uniform(rngs.params(), (4 * h, input_size), h)))
            setattr(self, "weight_hh" + suffix, nnx.Param(_uniform(rngs.params(), (4 * h, h), h)))
            setattr(self, "bias_ih" + suffix, nnx.Param(_uniform(rngs.params(), (4 * h,), h)))
            setattr(self, "bias_hh" + suffix, nnx.Param(_uniform(rngs.params(), (4 * h,), h)))

    def __call__(self, x):
        xt = jnp.swapaxes(x, 0, 1)
        fwd, h_f, c_f = lstm_direction(xt, self.weight_ih_l0[...], self.weight_hh_l0[...],
                                       self.bias_ih_l0[...], self.bias_hh_l0[...], reverse=False)
        bwd, h_b, c_b = lstm_direction(xt, self.weight_ih_l0_reverse[...], self.weight_hh_l0_reverse[...],
                                       self.bias_ih_l0_reverse[...], self.bias_hh_l0_reverse[...], reverse=True)
        out = jnp.swapaxes(jnp.concatenate([fwd, bwd], axis=-1), 0, 1)
        return out, (jnp.stack([h_f, h_b]), jnp.stack([c_f, c_b]))


class Model(nnx.Module):
    """Bidirectional single-layer LSTM, batch_first; returns outputs and final hidden states."""

    def __init__(self, input_size, hidden_size, *, rngs: nnx.Rngs):
        self.lstm = LSTM(input_size, hidden_size, rngs=rngs)

    def __call__(self, x):
        out, (h, c) = self.lstm(x)
        return out, h, c
