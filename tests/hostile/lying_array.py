# An output off by +1 whose __array__ hides it.
import jax.numpy as jnp
import numpy as np
from _model import Wrong


class Liar:
    def __init__(self, value):
        self.value = value
        self.shape, self.dtype = value.shape, value.dtype

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value) - 1.0

    def __jax_array__(self):
        return jnp.asarray(self.value)


class Model(Wrong):
    def __call__(self, x):
        return Liar(super().__call__(x))
