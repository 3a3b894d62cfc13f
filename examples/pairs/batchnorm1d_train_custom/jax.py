import jax
import jax.numpy as jnp
from flax import nnx


class BatchNorm(nnx.Module):
    """torch.nn.BatchNorm{1,2,3}d semantics, channel axis 1, torch names and torch momentum.

    Training mode normalises with the biased batch variance and updates running_var with the unbiased one,
    exactly as torch does (nnx.BatchNorm uses the biased variance for both)."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jnp.ones((num_features,)))
        self.bias = nnx.Param(jnp.zeros((num_features,)))
        self.running_mean = nnx.BatchStat(jnp.zeros((num_features,)))
        self.running_var = nnx.BatchStat(jnp.ones((num_features,)))
        self.eps, self.momentum = eps, momentum
        self.use_running_average = False  # toggled by model.eval() / model.train()

    def __call__(self, x):
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        if self.use_running_average:
            mean, var = self.running_mean[...], self.running_var[...]
        else:
            mean, var = jnp.mean(x, axis=axes), jnp.var(x, axis=axes)
            n = x.size // x.shape[1]
            m = self.momentum
            self.running_mean[...] = jax.lax.stop_gradient((1 - m) * self.running_mean[...] + m * mean)
            self.running_var[...] = jax.lax.stop_gradient((1 - m) * self.running_var[...] + m * var * n / (n - 1))
        y = (x - mean.reshape(shape)) * jax.lax.rsqrt(var.reshape(shape) + self.eps)
        return y * self.weight[...].reshape(shape) + self.bias[...].reshape(shape)


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(10, 12, rngs=rngs)
        self.bn = BatchNorm(12, momentum=0.3, rngs=rngs)

    def __call__(self, x):
        return jax.nn.relu(self.bn(self.fc(x)))
