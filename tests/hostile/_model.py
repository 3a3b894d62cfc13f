# Shared by the attack files: the honest translation of reference.py, and a wrong one (off by +1).
import jax
from flax import nnx


class Correct(nnx.Module):
    def __init__(self, *, rngs):
        self.fc = nnx.Linear(8, 4, rngs=rngs)

    def __call__(self, x):
        return jax.numpy.tanh(self.fc(x))


class Wrong(Correct):
    def __call__(self, x):
        return jax.numpy.tanh(self.fc(x)) + 1.0
