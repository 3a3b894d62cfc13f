import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """MLP: Linear, exact GELU, Dropout, Linear, Tanh, Linear."""

    def __init__(self, in_features, hidden, out_features, *, rngs: nnx.Rngs):
        self.fc1 = nnx.Linear(in_features, hidden, rngs=rngs)
        self.drop = nnx.Dropout(0.1, rngs=rngs)
        self.fc2 = nnx.Linear(hidden, hidden, rngs=rngs)
        self.fc3 = nnx.Linear(hidden, out_features, rngs=rngs)

    def __call__(self, x):
        x = self.drop(jax.nn.gelu(self.fc1(x), approximate=False))
        return self.fc3(jnp.tanh(self.fc2(x)))
