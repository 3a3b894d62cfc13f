import jax
import jax.numpy as jnp
from flax import nnx


class GroupNorm(nnx.Module):
    """torch.nn.GroupNorm in torch layout (N, C, *): group g holds channels [g*C/G, (g+1)*C/G)."""

    def __init__(self, num_groups, num_channels, eps=1e-5, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jnp.ones((num_channels,)))
        self.bias = nnx.Param(jnp.zeros((num_channels,)))
        self.groups, self.eps = num_groups, eps

    def __call__(self, x):
        n, c = x.shape[:2]
        g = x.reshape(n, self.groups, -1)
        mean = jnp.mean(g, axis=-1, keepdims=True)
        var = jnp.var(g, axis=-1, keepdims=True)
        y = ((g - mean) * jax.lax.rsqrt(var + self.eps)).reshape(x.shape)
        shape = (1, c) + (1,) * (x.ndim - 2)
        return y * self.weight[...].reshape(shape) + self.bias[...].reshape(shape)


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.gn = GroupNorm(3, 12, eps=1e-4, rngs=rngs)

    def __call__(self, x):
        return self.gn(x)
