"""The JAX (Flax NNX) translation of examples/mlp.py."""

import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_features: int, hidden: int, num_classes: int, *, rngs: nnx.Rngs):
        self.fc1 = nnx.Linear(in_features, hidden, rngs=rngs)
        self.norm = nnx.LayerNorm(hidden, epsilon=1e-5, rngs=rngs)  # torch's default eps
        self.fc2 = nnx.Linear(hidden, hidden, rngs=rngs)
        self.head = nnx.Linear(hidden, num_classes, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = jax.nn.gelu(self.norm(self.fc1(x)), approximate=False)  # torch's GELU is exact
        x = jax.nn.relu(self.fc2(x))
        return jax.nn.log_softmax(self.head(x), axis=-1)
