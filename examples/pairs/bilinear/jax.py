import math

import jax
import jax.numpy as jnp
from flax import nnx


class Bilinear(nnx.Module):
    """torch.nn.Bilinear: y = x1^T W x2 + b, weight in torch layout (out, in1, in2)."""

    def __init__(self, in1, in2, out, *, rngs: nnx.Rngs):
        bound = 1.0 / math.sqrt(in1)
        self.weight = nnx.Param(jax.random.uniform(rngs.params(), (out, in1, in2), minval=-bound, maxval=bound))
        self.bias = nnx.Param(jax.random.uniform(rngs.params(), (out,), minval=-bound, maxval=bound))

    def __call__(self, a, b):
        return jnp.einsum("bi,oij,bj->bo", a, self.weight[...], b) + self.bias[...]


class Model(nnx.Module):
    def __init__(self, in1, in2, out, *, rngs: nnx.Rngs):
        self.bil = Bilinear(in1, in2, out, rngs=rngs)

    def __call__(self, a, b):
        return self.bil(a, b)
