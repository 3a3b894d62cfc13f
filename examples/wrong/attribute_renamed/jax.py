import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc1 = nnx.Linear(4, 8, rngs=rngs)
        self.fc_2 = nnx.Linear(8, 2, rngs=rngs)  # BUG: renamed attribute, weights cannot be ported by path

    def __call__(self, x):
        return self.fc_2(jax.nn.relu(self.fc1(x)))
