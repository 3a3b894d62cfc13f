import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.bn = nnx.BatchNorm(4, momentum=0.1, epsilon=1e-5, rngs=rngs)  # BUG: Flax wants 1 - 0.1 = 0.9

    def __call__(self, x):
        return jnp.transpose(self.bn(jnp.transpose(x, (0, 2, 3, 1))), (0, 3, 1, 2))
