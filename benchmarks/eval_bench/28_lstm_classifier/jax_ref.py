import jax
import jax.numpy as jnp
from flax import nnx


class LSTM(nnx.Module):
    """torch.nn.LSTM (stacked, unidirectional, batch_first) with torch-named, torch-layout parameters."""

    def __init__(self, input_size, hidden_size, num_layers, *, rngs: nnx.Rngs):
        self.num_layers = num_layers
        bound = 1.0 / hidden_size ** 0.5
        for layer in range(num_layers):
            fan = input_size if layer == 0 else hidden_size
            shapes = {"weight_ih": (4 * hidden_size, fan), "weight_hh": (4 * hidden_size, hidden_size),
                      "bias_ih": (4 * hidden_size,), "bias_hh": (4 * hidden_size,)}
            for name, shape in shapes.items():
                value = jax.random.uniform(rngs.params(), shape, minval=-bound, maxval=bound)
                setattr(self, f"{name}_l{layer}", nnx.Param(value))

    def __call__(self, x):
        seq = jnp.swapaxes(x, 0, 1)  # (T, N, I)
        hs, cs = [], []
        for layer in range(self.num_layers):
            w_ih = getattr(self, f"weight_ih_l{layer}")[...]
            w_hh = getattr(self, f"weight_hh_l{layer}")[...]
            bias = getattr(self, f"bias_ih_l{layer}")[...] + getattr(self, f"bias_hh_l{layer}")[...]
            gates_x = seq @ w_ih.T + bias

            def step(carry, gx, w_hh=w_hh):
                h, c = carry
                i, f, g, o = jnp.split(gx + h @ w_hh.T, 4, axis=-1)
                c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
                h = jax.nn.sigmoid(o) * jnp.tanh(c)
                return (h, c), h

            zeros = jnp.zeros((seq.shape[1], w_hh.shape[1]), x.dtype)
            (h, c), seq = jax.lax.scan(step, (zeros, zeros), gates_x)
            hs.append(h)
            cs.append(c)
        return jnp.swapaxes(seq, 0, 1), (jnp.stack(hs), jnp.stack(cs))


class Model(nnx.Module):
    """Embedding, two-layer LSTM (batch_first), classifier on the last layer's final hidden state."""

    def __init__(self, vocab_size, num_classes, *, rngs: nnx.Rngs):
        self.embedding = nnx.Embed(vocab_size, 64, rngs=rngs)
        self.lstm = LSTM(64, 128, num_layers=2, rngs=rngs)
        self.fc = nnx.Linear(128, num_classes, rngs=rngs)

    def __call__(self, tokens):
        _, (h, _) = self.lstm(self.embedding(tokens))
        return self.fc(h[-1])
