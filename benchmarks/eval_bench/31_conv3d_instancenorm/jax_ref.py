import jax
import jax.numpy as jnp
from flax import nnx


class Conv3d(nnx.Module):
    """torch.nn.Conv3d without bias, weight (out, in, kd, kh, kw); NCDHW in and out."""

    def __init__(self, in_ch, out_ch, k, padding, *, rngs: nnx.Rngs):
        bound = 1.0 / (in_ch * k ** 3) ** 0.5
        self.weight = nnx.Param(jax.random.uniform(rngs.params(), (out_ch, in_ch, k, k, k), minval=-bound, maxval=bound))
        self.padding = padding

    def __call__(self, x):
        p = self.padding
        return jax.lax.conv_general_dilated(x, self.weight[...], (1, 1, 1), [(p, p)] * 3,
                                            dimension_numbers=("NCDHW", "OIDHW", "NCDHW"))


class InstanceNorm3d(nnx.Module):
    """torch.nn.InstanceNorm3d(affine=True): per-sample, per-channel statistics, biased variance, eps 1e-5."""

    def __init__(self, num_features, eps=1e-5, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jnp.ones((num_features,)))
        self.bias = nnx.Param(jnp.zeros((num_features,)))
        self.eps = eps

    def __call__(self, x):
        axes = tuple(range(2, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
        shape = (1, -1) + (1,) * (x.ndim - 2)
        y = (x - mean) * jax.lax.rsqrt(var + self.eps)
        return y * self.weight[...].reshape(shape) + self.bias[...].reshape(shape)


class Model(nnx.Module):
    """Conv3d (no bias: the norm removes it) on a small volume, InstanceNorm3d with affine parameters, LeakyReLU."""

    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = Conv3d(3, 16, 3, padding=1, rngs=rngs)
        self.norm = InstanceNorm3d(16, rngs=rngs)

    def __call__(self, x):
        return jax.nn.leaky_relu(self.norm(self.conv(x)), negative_slope=0.1)
