import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(3, 8, kernel_size=(3, 3), padding=((1, 1), (1, 1)), rngs=rngs)
        self.conv2 = nnx.Conv(8, 4, kernel_size=(3, 2), strides=(2, 1), padding=((0, 0), (1, 1)), rngs=rngs)

    def __call__(self, x):  # NCHW in and out
        x = jnp.transpose(x, (0, 2, 3, 1))
        x = self.conv2(jax.nn.relu(self.conv1(x)))
        return jnp.transpose(x, (0, 3, 1, 2))
