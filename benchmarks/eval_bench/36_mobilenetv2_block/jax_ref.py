import jax
import jax.numpy as jnp
from flax import nnx


class Conv2d(nnx.Module):
    """torch.nn.Conv2d with the weight in torch layout (out, in/groups, kh, kw); NCHW in and out."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, groups=1, bias=True, *,
                 rngs: nnx.Rngs):
        fan_in = in_channels // groups * kernel_size * kernel_size
        bound = 1.0 / fan_in ** 0.5
        shape = (out_channels, in_channels // groups, kernel_size, kernel_size)
        self.weight = nnx.Param(jax.random.uniform(rngs.params(), shape, minval=-bound, maxval=bound))
        self.bias = nnx.Param(jax.random.uniform(rngs.params(), (out_channels,), minval=-bound, maxval=bound)) \
            if bias else None
        self.stride, self.padding, self.groups = stride, padding, groups

    def __call__(self, x):
        p = self.padding
        y = jax.lax.conv_general_dilated(x, self.weight[...], (self.stride, self.stride), [(p, p), (p, p)],
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"),
                                         feature_group_count=self.groups)
        if self.bias is not None:
            y = y + self.bias[...][None, :, None, None]
        return y


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
    """MobileNetV2 inverted residual block: 1x1 expand, 3x3 depthwise, 1x1 project (BN after each), skip."""

    def __init__(self, channels, expand_ratio, *, rngs: nnx.Rngs):
        hidden = channels * expand_ratio
        self.conv = nnx.Sequential(
            Conv2d(channels, hidden, 1, bias=False, rngs=rngs),
            BatchNorm(hidden, rngs=rngs),
            jax.nn.relu6,
            Conv2d(hidden, hidden, 3, 1, 1, groups=hidden, bias=False, rngs=rngs),
            BatchNorm(hidden, rngs=rngs),
            jax.nn.relu6,
            Conv2d(hidden, channels, 1, bias=False, rngs=rngs),
            BatchNorm(channels, rngs=rngs),
        )

    def __call__(self, x):
        return x + self.conv(x)
