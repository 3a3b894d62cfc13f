import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """GroupNorm on NCHW feature maps, then LayerNorm over the channel dim of the pooled features."""

    def __init__(self, *, rngs: nnx.Rngs):
        self.gn = nnx.GroupNorm(64, num_groups=8, epsilon=1e-5, rngs=rngs)
        self.ln = nnx.LayerNorm(64, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        h = jnp.transpose(self.gn(jnp.transpose(x, (0, 2, 3, 1))), (0, 3, 1, 2))
        return h, self.ln(h.mean(axis=(2, 3)))
