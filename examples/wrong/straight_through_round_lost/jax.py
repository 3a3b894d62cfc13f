import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(8, 8, rngs=rngs)

    def __call__(self, x):
        y = self.fc(x) * 4
        return jnp.round(y)  # BUG: "simplified" the detach trick away: same values, zero gradient
