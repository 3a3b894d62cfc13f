import jax.numpy as jnp
from flax import nnx

from flax.nnx import TorchLinear  # BUG: hallucinated API, ImportError at import time


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = TorchLinear(4, 4, rngs=rngs)

    def __call__(self, x):
        return self.fc(x)
