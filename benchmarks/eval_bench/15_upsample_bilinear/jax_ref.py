import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """Bilinear x2 upsampling (align_corners=False) and nearest x2 upsampling, concatenated."""

    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        n, c, h, w = x.shape
        a = jax.image.resize(x, (n, c, 2 * h, 2 * w), method="bilinear")
        b = jnp.repeat(jnp.repeat(x, 2, axis=2), 2, axis=3)
        return jnp.concatenate([a, b], axis=1)
