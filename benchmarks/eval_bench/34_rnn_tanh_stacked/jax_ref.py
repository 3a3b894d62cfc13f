import jax
import jax.numpy as jnp
from flax import nnx


class RNN(nnx.Module):
    """torch.nn.RNN (tanh, stacked, sequence-first) with torch-named, torch-layout parameters."""

    def __init__(self, input_size, hidden_size, num_layers, *, rngs: nnx.Rngs):
        self.num_layers = num_layers
        bound = 1.0 / hidden_size ** 0.5
        for layer in range(num_layers):
            fan = input_size if layer == 0 else hidden_size
            shapes = {"weight_ih": (hidden_size, fan), "weight_hh": (hidden_size, hidden_size),
                      "bias_ih": (hidden_size,), "bias_hh": (hidden_size,)}
            for name, shape in shapes.items():
                value = jax.random.uniform(rngs.params(), shape, minval=-bound, maxval=bound)
                setattr(self, f"{name}_l{layer}", nnx.Param(value))

    def __call__(self, x):
        seq, finals = x, []
        for layer in range(self.num_layers):
            w_hh = getattr(self, f"weight_hh_l{layer}")[...]
            xs = seq @ getattr(self, f"weight_ih_l{layer}")[...].T + getattr(self, f"bias_ih_l{layer}")[...] \
                + getattr(self, f"bias_hh_l{layer}")[...]

            def step(h, xt, w_hh=w_hh):
                h = jnp.tanh(xt + h @ w_hh.T)
                return h, h

            h, seq = jax.lax.scan(step, jnp.zeros((x.shape[1], w_hh.shape[0]), x.dtype), xs)
            finals.append(h)
        return seq, jnp.stack(finals)


class Model(nnx.Module):
    """Two-layer Elman RNN (tanh), sequence-first, returning all outputs and the final hidden states."""

    def __init__(self, input_size, hidden_size, *, rngs: nnx.Rngs):
        self.rnn = RNN(input_size, hidden_size, num_layers=2, rngs=rngs)

    def __call__(self, x):
        out, h = self.rnn(x)
        return out, h
