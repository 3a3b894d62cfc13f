import jax
import jax.numpy as jnp
from flax import nnx


class BatchNorm1d(nnx.Module):
    """torch BatchNorm1d with momentum=None: running = running + (batch - running) / num_batches_tracked."""

    def __init__(self, num_features, eps=1e-5, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jnp.ones((num_features,)))
        self.bias = nnx.Param(jnp.zeros((num_features,)))
        self.running_mean = nnx.BatchStat(jnp.zeros((num_features,)))
        self.running_var = nnx.BatchStat(jnp.ones((num_features,)))
        self.num_batches_tracked = nnx.BatchStat(jnp.array(0, jnp.int32))
        self.eps = eps
        self.use_running_average = False

    def __call__(self, x):
        if self.use_running_average:
            mean, var = self.running_mean[...], self.running_var[...]
        else:
            mean, var = jnp.mean(x, axis=0), jnp.var(x, axis=0)
            n = x.shape[0]
            count = self.num_batches_tracked[...] + 1
            self.num_batches_tracked[...] = count
            f = 1.0 / count
            self.running_mean[...] = jax.lax.stop_gradient((1 - f) * self.running_mean[...] + f * mean)
            self.running_var[...] = jax.lax.stop_gradient((1 - f) * self.running_var[...] + f * var * n / (n - 1))
        return (x - mean) * jax.lax.rsqrt(var + self.eps) * self.weight[...] + self.bias[...]


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.bn = BatchNorm1d(4, rngs=rngs)

    def __call__(self, x):
        return self.bn(x)
