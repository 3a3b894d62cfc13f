import math

import jax.numpy as jnp
import numpy as np
from flax import nnx


def _pool_matrix(in_size, out_size):
    """Row i averages input positions floor(i*in/out) .. ceil((i+1)*in/out) - 1 (torch's adaptive windows)."""
    m = np.zeros((out_size, in_size), np.float32)
    for i in range(out_size):
        start = (i * in_size) // out_size
        end = math.ceil((i + 1) * in_size / out_size)
        m[i, start:end] = 1.0 / (end - start)
    return m


def adaptive_avg_pool2d(x, size):
    rows = jnp.asarray(_pool_matrix(x.shape[2], size[0]), x.dtype)
    cols = jnp.asarray(_pool_matrix(x.shape[3], size[1]), x.dtype)
    return jnp.einsum("nchw,oh,pw->ncop", x, rows, cols)


class Model(nnx.Module):
    """AdaptiveAvgPool2d to a size that does not divide the input (overlapping windows), then a Linear."""

    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(16 * 7 * 5, 32, rngs=rngs)

    def __call__(self, x):
        p = adaptive_avg_pool2d(x, (7, 5))
        return p, self.fc(p.reshape(p.shape[0], -1))
