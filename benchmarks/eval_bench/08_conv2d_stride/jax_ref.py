import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """Two Conv2d layers (stride 2 then 3x3 'same'), ReLU between them. NCHW at the boundary."""

    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(in_channels, out_channels, kernel_size=(3, 3), strides=(2, 2),
                              padding=((1, 1), (1, 1)), rngs=rngs)
        self.conv2 = nnx.Conv(out_channels, out_channels, kernel_size=(3, 3), padding=((1, 1), (1, 1)), rngs=rngs)

    def __call__(self, x):
        x = jnp.transpose(x, (0, 2, 3, 1))
        x = self.conv2(jax.nn.relu(self.conv1(x)))
        return jnp.transpose(x, (0, 3, 1, 2))
