import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(3, 4, kernel_size=(3, 3), padding="VALID", rngs=rngs)
        self.bn = nnx.BatchNorm(4, momentum=0.9, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        y = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        y = self.bn(y, use_running_average=True)  # BUG: inference-only port: training mode never uses batch stats
        return jax.nn.relu(jnp.transpose(y, (0, 3, 1, 2)))
