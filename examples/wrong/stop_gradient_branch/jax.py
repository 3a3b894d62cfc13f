import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc1 = nnx.Linear(8, 8, rngs=rngs)
        self.fc2 = nnx.Linear(8, 8, rngs=rngs)

    def __call__(self, x):
        gate = jax.lax.stop_gradient(jnp.tanh(self.fc1(x)))  # BUG: forward identical, no gradient to fc1 / x
        return x + gate * self.fc2(x)
