import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, dim, *, rngs: nnx.Rngs):
        self.proj = nnx.Linear(dim, dim, use_bias=False, rngs=rngs)
        self.gate = nnx.Linear(dim, dim, rngs=rngs)

    def __call__(self, x):
        return jnp.tanh(self.proj(x)) * jax.nn.sigmoid(self.gate(x))
