import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.inorm = nnx.InstanceNorm(5, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        y = self.inorm(jnp.transpose(x, (0, 2, 3, 1)))
        return jnp.transpose(y, (0, 3, 1, 2))
