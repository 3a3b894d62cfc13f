import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(3, 4, kernel_size=(3, 3), padding=((1, 1), (1, 1)), use_bias=False, rngs=rngs)
        # Flax momentum weights the old average: 1 - torch momentum
        self.bn = nnx.BatchNorm(4, momentum=0.9, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        y = self.bn(self.conv(jnp.transpose(x, (0, 2, 3, 1))))
        return jax.nn.relu(jnp.transpose(y, (0, 3, 1, 2)))
