import jax
from flax import nnx


class Model(nnx.Module):
    """Tempered softmax scaled by logsumexp, and log_softmax over the other axis."""

    def __init__(self, temperature, *, rngs: nnx.Rngs):
        self.temperature = temperature

    def __call__(self, x):
        p = jax.nn.softmax(x / self.temperature, axis=-1) * jax.nn.logsumexp(x, axis=-1, keepdims=True)
        return p, jax.nn.log_softmax(x, axis=0)
