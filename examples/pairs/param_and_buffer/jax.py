import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, dim, *, rngs: nnx.Rngs):
        self.scale = nnx.Param(jax.random.normal(rngs.params(), (dim,)))
        self.shift = nnx.Param(jnp.zeros((1, dim)) + 0.1)
        self.offset = nnx.Variable(jnp.linspace(-1.0, 1.0, dim))  # registered buffer: not trained
        self.dim = dim  # the non-persistent mask is recomputed

    def __call__(self, x):
        y = (x - self.offset[...]) * self.scale[...] + self.shift[...]
        return y @ jnp.tril(jnp.ones((self.dim, self.dim)))
