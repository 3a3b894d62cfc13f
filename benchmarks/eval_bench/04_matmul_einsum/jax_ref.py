import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """Batched matmul, einsum contraction and a broadcast matmul against a learnable matrix."""

    def __init__(self, dim, *, rngs: nnx.Rngs):
        self.w = nnx.Param(jax.random.normal(rngs.params(), (dim, dim)) / dim ** 0.5)

    def __call__(self, a, b):
        scores = jnp.matmul(a, jnp.swapaxes(b, 1, 2))
        mixed = jnp.einsum("bij,bjd->bid", jax.nn.softmax(scores, axis=-1), b)
        return mixed @ self.w[...]
