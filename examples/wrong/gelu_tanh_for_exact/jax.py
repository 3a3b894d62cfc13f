import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(16, 16, rngs=rngs)

    def __call__(self, x):
        return jax.nn.gelu(self.fc(x))  # BUG: jax.nn.gelu defaults to the tanh approximation
