import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.proj = nnx.Conv(4, 6, kernel_size=(1,), rngs=rngs)

    def __call__(self, x):
        y = jnp.transpose(self.proj(jnp.transpose(x, (0, 2, 1))), (0, 2, 1))
        return jax.nn.softmax(y, axis=-1)  # BUG: torch's dim=1 is the channel axis; -1 is time
