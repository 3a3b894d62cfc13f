import jax
import jax.numpy as jnp
from flax import nnx


class GRU(nnx.Module):
    """torch.nn.GRU (one layer, batch_first): gate order r, z, n; n uses r * (W_hn h + b_hn)."""

    def __init__(self, input_size, hidden_size, *, rngs: nnx.Rngs):
        bound = 1.0 / hidden_size ** 0.5

        def init(shape):
            return nnx.Param(jax.random.uniform(rngs.params(), shape, minval=-bound, maxval=bound))

        self.weight_ih_l0 = init((3 * hidden_size, input_size))
        self.weight_hh_l0 = init((3 * hidden_size, hidden_size))
        self.bias_ih_l0 = init((3 * hidden_size,))
        self.bias_hh_l0 = init((3 * hidden_size,))

    def __call__(self, x, h0):
        w_hh, b_hh = self.weight_hh_l0[...], self.bias_hh_l0[...]
        gates_x = jnp.swapaxes(x, 0, 1) @ self.weight_ih_l0[...].T + self.bias_ih_l0[...]

        def step(h, gx):
            gh = h @ w_hh.T + b_hh
            xr, xz, xn = jnp.split(gx, 3, axis=-1)
            hr, hz, hn = jnp.split(gh, 3, axis=-1)
            r = jax.nn.sigmoid(xr + hr)
            z = jax.nn.sigmoid(xz + hz)
            n = jnp.tanh(xn + r * hn)
            h = (1 - z) * n + z * h
            return h, h

        h, ys = jax.lax.scan(step, h0[0], gates_x)
        return jnp.swapaxes(ys, 0, 1), h[None]


class Model(nnx.Module):
    """GRU (batch_first) from a given initial hidden state, followed by a Linear head on every step."""

    def __init__(self, *, rngs: nnx.Rngs):
        self.gru = GRU(32, 64, rngs=rngs)
        self.head = nnx.Linear(64, 8, rngs=rngs)

    def __call__(self, x, h0):
        out, h = self.gru(x, h0)
        return self.head(out), h
