import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):  # NCHW
        # ceil_mode: (8 - 3) / 2 rounds up to 3 -> 4 windows; the last one reaches one past the edge
        mx = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 3, 3), (1, 1, 2, 2),
                                   ((0, 0), (0, 0), (0, 1), (0, 1)))
        total = jax.lax.reduce_window(x, 0.0, jax.lax.add, (1, 1, 3, 3), (1, 1, 1, 1),
                                      ((0, 0), (0, 0), (1, 1), (1, 1)))
        return mx, total / 9.0
