import jax
import jax.numpy as jnp
from flax import nnx


class BatchNorm3d(nnx.Module):
    """torch.nn.BatchNorm3d: channel axis 1, torch momentum, unbiased running-variance update."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jnp.ones((num_features,)))
        self.bias = nnx.Param(jnp.zeros((num_features,)))
        self.running_mean = nnx.BatchStat(jnp.zeros((num_features,)))
        self.running_var = nnx.BatchStat(jnp.ones((num_features,)))
        self.eps, self.momentum = eps, momentum
        self.use_running_average = False

    def __call__(self, x):
        axes = (0, 2, 3, 4)
        shape = (1, -1, 1, 1, 1)
        if self.use_running_average:
            mean, var = self.running_mean[...], self.running_var[...]
        else:
            mean, var = jnp.mean(x, axis=axes), jnp.var(x, axis=axes)
            n = x.size // x.shape[1]
            m = self.momentum
            self.running_mean[...] = jax.lax.stop_gradient((1 - m) * self.running_mean[...] + m * mean)
            self.running_var[...] = jax.lax.stop_gradient((1 - m) * self.running_var[...] + m * var * n / (n - 1))
        y = (x - mean.reshape(shape)) / jnp.sqrt(var.reshape(shape) + self.eps)
        return y * self.weight[...].reshape(shape) + self.bias[...].reshape(shape)


class Model(nnx.Module):
    def __init__(self, channels, *, rngs: nnx.Rngs):
        self.bn = BatchNorm3d(channels, eps=1e-3, momentum=0.05, rngs=rngs)

    def __call__(self, x):
        return self.bn(x) * 2.0
