import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        y = nnx.max_pool(jnp.transpose(x, (0, 2, 3, 1)), window_shape=(3, 3), strides=(2, 2))  # BUG: floor mode
        return jnp.transpose(y, (0, 3, 1, 2))
