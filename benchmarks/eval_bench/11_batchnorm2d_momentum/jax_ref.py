import jax
import jax.numpy as jnp
from flax import nnx


class BatchNorm(nnx.Module):
    """torch.nn.BatchNorm1d/2d: channel axis 1, torch momentum, unbiased running variance, torch names."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jnp.ones((num_features,)))
        self.bias = nnx.Param(jnp.zeros((num_features,)))
        self.running_mean = nnx.BatchStat(jnp.zeros((num_features,)))
        self.running_var = nnx.BatchStat(jnp.ones((num_features,)))
        self.eps, self.momentum = eps, momentum
        self.use_running_average = False

    def __call__(self, x):
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        if self.use_running_average:
            mean, var = self.running_mean[...], self.running_var[...]
        else:
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            n = x.size // x.shape[1]
            m = self.momentum
            self.running_mean[...] = (1 - m) * self.running_mean[...] + m * jax.lax.stop_gradient(mean)
            self.running_var[...] = (1 - m) * self.running_var[...] + m * jax.lax.stop_gradient(var) * n / (n - 1)
        y = (x - mean.reshape(shape)) * jax.lax.rsqrt(var.reshape(shape) + self.eps)
        return y * self.weight[...].reshape(shape) + self.bias[...].reshape(shape)


class Model(nnx.Module):
    """BatchNorm2d with momentum 0.3 and eps 1e-3 (checked in eval and in training mode)."""

    def __init__(self, channels, *, rngs: nnx.Rngs):
        self.bn = BatchNorm(channels, eps=1e-3, momentum=0.3, rngs=rngs)

    def __call__(self, x):
        return self.bn(x)
