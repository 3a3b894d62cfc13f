import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, cin, cout, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(cin, cout, kernel_size=(5,), strides=(2,), padding=((2, 2),), rngs=rngs)

    def __call__(self, x):  # x: (N, C, L) as in torch
        y = self.conv(jnp.transpose(x, (0, 2, 1)))
        return jax.nn.relu(jnp.transpose(y, (0, 2, 1)))
