import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        # BUG: 'SAME' gives the same 4x4 output shape, but pads (0, 1) where torch pads (1, 1)
        self.conv = nnx.Conv(3, 4, kernel_size=(3, 3), strides=(2, 2), padding="SAME", rngs=rngs)

    def __call__(self, x):
        return jnp.transpose(self.conv(jnp.transpose(x, (0, 2, 3, 1))), (0, 3, 1, 2))
