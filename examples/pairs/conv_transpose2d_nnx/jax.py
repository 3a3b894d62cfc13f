import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        # torch padding p, output_padding op  ->  explicit (k-1-p, k-1-p+op) on the dilated input
        self.up = nnx.ConvTranspose(3, 5, kernel_size=(3, 3), strides=(2, 2), padding=((1, 2), (1, 2)), rngs=rngs)

    def __call__(self, x):
        y = self.up(jnp.transpose(x, (0, 2, 3, 1)))
        return jax.nn.relu(jnp.transpose(y, (0, 3, 1, 2)))
