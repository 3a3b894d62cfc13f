import jax
import jax.numpy as jnp
from flax import nnx


class GroupNorm(nnx.Module):
    def __init__(self, num_groups, num_channels, eps=1e-5, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jnp.ones((num_channels,)))
        self.bias = nnx.Param(jnp.zeros((num_channels,)))
        self.groups, self.eps = num_groups, eps

    def __call__(self, x):  # (N, C, L)
        n, c, l = x.shape
        # BUG: reshape (C/G, G) puts channels 0, 2, 4, ... in one group; torch's groups are contiguous blocks
        g = x.reshape(n, c // self.groups, self.groups, l)
        mean = jnp.mean(g, axis=(1, 3), keepdims=True)
        var = jnp.var(g, axis=(1, 3), keepdims=True)
        y = ((g - mean) * jax.lax.rsqrt(var + self.eps)).reshape(x.shape)
        return y * self.weight[...][None, :, None] + self.bias[...][None, :, None]


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.gn = GroupNorm(2, 8, rngs=rngs)

    def __call__(self, x):
        return self.gn(x)
