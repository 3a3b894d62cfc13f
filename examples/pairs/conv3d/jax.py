import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(2, 5, kernel_size=(3, 3, 3), strides=(1, 2, 2), padding=((1, 1),) * 3, rngs=rngs)

    def __call__(self, x):  # NCDHW
        y = self.conv(jnp.transpose(x, (0, 2, 3, 4, 1)))
        return jax.nn.silu(jnp.transpose(y, (0, 4, 1, 2, 3)))
