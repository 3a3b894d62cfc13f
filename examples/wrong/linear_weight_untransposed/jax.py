import jax
import jax.numpy as jnp
from flax import nnx


class Linear(nnx.Module):
    def __init__(self, din, dout, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jax.random.normal(rngs.params(), (dout, din)) * 0.1)  # torch layout (out, in)
        self.bias = nnx.Param(jnp.zeros((dout,)))

    def __call__(self, x):
        return x @ self.weight[...] + self.bias[...]  # BUG: torch computes x @ W.T; square, so shapes agree


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.proj = Linear(10, 10, rngs=rngs)

    def __call__(self, x):
        return self.proj(x)
