import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_features, out_features, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(in_features, out_features, rngs=rngs)

    def __call__(self, x):
        return jax.nn.relu(self.fc(x))
