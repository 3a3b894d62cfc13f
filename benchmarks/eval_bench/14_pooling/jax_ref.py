import jax
import jax.numpy as jnp
from flax import nnx


def max_pool2d(x, k, s, p):
    """NCHW max pool with -inf padding (torch semantics)."""
    pad = ((0, 0), (0, 0), (p, p), (p, p))
    return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, k, k), (1, 1, s, s), pad)


def avg_pool2d_exclude_pad(x, k, s, p):
    """NCHW average pool dividing by the number of real (unpadded) elements in each window."""
    pad = ((0, 0), (0, 0), (p, p), (p, p))
    sums = jax.lax.reduce_window(x, 0.0, jax.lax.add, (1, 1, k, k), (1, 1, s, s), pad)
    ones = jnp.ones((1, 1) + x.shape[2:], x.dtype)
    counts = jax.lax.reduce_window(ones, 0.0, jax.lax.add, (1, 1, k, k), (1, 1, s, s), pad)
    return sums / counts


class Model(nnx.Module):
    """Padded max pool, average pool with count_include_pad=False, and global adaptive average pool."""

    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        a = max_pool2d(x, 3, 2, 1)
        b = avg_pool2d_exclude_pad(a, 3, 1, 1)
        return b, b.mean(axis=(2, 3))
