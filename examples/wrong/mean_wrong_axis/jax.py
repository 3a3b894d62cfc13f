import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(8, 8, rngs=rngs)

    def __call__(self, x):
        return jnp.mean(self.fc(x), axis=-1)  # BUG: torch dim=1 is the sequence axis; same shape since T == D
