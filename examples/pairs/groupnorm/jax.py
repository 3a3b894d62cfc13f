import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(3, 16, kernel_size=(1, 1), rngs=rngs)
        self.gn = nnx.GroupNorm(num_features=16, num_groups=4, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        y = self.gn(self.conv(jnp.transpose(x, (0, 2, 3, 1))))
        return jax.nn.gelu(jnp.transpose(y, (0, 3, 1, 2)), approximate=False)
