import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """gather along dim 1, cumsum, and descending sort (values and indices)."""

    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x, index):
        picked = jnp.take_along_axis(x, index, axis=1)
        running = jnp.cumsum(picked, axis=1)
        order = jnp.argsort(-x, axis=1)
        values = jnp.take_along_axis(x, order, axis=1)
        return running, values[:, :8], order[:, :8]
