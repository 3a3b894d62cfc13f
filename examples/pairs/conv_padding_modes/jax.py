import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.reflect = nnx.Conv(2, 3, kernel_size=(3, 3), padding="VALID", rngs=rngs)
        self.circular = nnx.Conv(3, 2, kernel_size=(5,), padding="VALID", rngs=rngs)

    def __call__(self, x):  # NCHW
        x = jnp.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="reflect")
        y = self.reflect(jnp.transpose(x, (0, 2, 3, 1)))  # NHWC
        z = jnp.mean(y, axis=1)  # (N, W, C): mean over H
        z = jnp.pad(z, ((0, 0), (2, 2), (0, 0)), mode="wrap")
        return jnp.transpose(self.circular(z), (0, 2, 1))
