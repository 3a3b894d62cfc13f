import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """Unbiased variance, biased std, L2 norm, max with indices and a keepdim mean."""

    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        var = jnp.var(x, axis=1, ddof=1)
        std = jnp.std(x, axis=1)
        norm = jnp.linalg.norm(x, ord=2, axis=1)
        values, indices = jnp.max(x, axis=1), jnp.argmax(x, axis=1)
        centered = x - x.mean(axis=1, keepdims=True)
        return var + std + norm, values, indices, centered
