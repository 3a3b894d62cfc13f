import jax
import jax.numpy as jnp
from flax import nnx


class LayerNorm(nnx.Module):
    """torch.nn.LayerNorm with a multi-axis normalized_shape; weight/bias of that shape."""

    def __init__(self, shape, eps=1e-5, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jnp.ones(tuple(shape)))
        self.bias = nnx.Param(jnp.zeros(tuple(shape)))
        self.axes = tuple(range(-len(shape), 0))
        self.eps = eps

    def __call__(self, x):
        mean = jnp.mean(x, axis=self.axes, keepdims=True)
        var = jnp.mean(jnp.square(x - mean), axis=self.axes, keepdims=True)
        return (x - mean) * jax.lax.rsqrt(var + self.eps) * self.weight[...] + self.bias[...]


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.norm = LayerNorm([4, 5, 6], eps=1e-6, rngs=rngs)

    def __call__(self, x):
        return self.norm(x)
