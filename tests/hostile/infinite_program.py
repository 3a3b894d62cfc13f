# An exported program that never ends: the trusted runner must be stopped by the time limit.
import jax
import jax.numpy as jnp
from _model import Correct


class Model(Correct):
    def __call__(self, x):
        y = super().__call__(x)
        count, y = jax.lax.while_loop(lambda c: c[0] >= 0, lambda c: (c[0] + 1, c[1]), (jnp.float32(0), y))
        return y + 0.0 * count  # the count stops growing at 2**24 (c + 1 == c): the loop never ends
