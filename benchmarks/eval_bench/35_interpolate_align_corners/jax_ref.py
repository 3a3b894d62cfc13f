import jax.numpy as jnp
import numpy as np
from flax import nnx


def _interp_matrix(in_size, out_size):
    """Linear interpolation weights with align_corners=True: output i samples input i*(in-1)/(out-1)."""
    m = np.zeros((out_size, in_size), np.float32)
    scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    for i in range(out_size):
        src = i * scale
        lo = min(int(np.floor(src)), in_size - 1)
        hi = min(lo + 1, in_size - 1)
        frac = src - lo
        m[i, lo] += 1.0 - frac
        m[i, hi] += frac
    return m


class Model(nnx.Module):
    """Conv2d (1x1) then bilinear resize to a fixed size with align_corners=True."""

    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(16, 8, kernel_size=(1, 1), rngs=rngs)

    def __call__(self, x):
        y = jnp.transpose(self.conv(jnp.transpose(x, (0, 2, 3, 1))), (0, 3, 1, 2))
        rows = jnp.asarray(_interp_matrix(y.shape[2], 24), y.dtype)
        cols = jnp.asarray(_interp_matrix(y.shape[3], 40), y.dtype)
        return jnp.einsum("nchw,oh,pw->ncop", y, rows, cols)
