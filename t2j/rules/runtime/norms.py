"""Normalisation layers with torch's statistics (BatchNorm's unbiased running variance, eps placement)."""

import jax.numpy as jnp
from flax import nnx
from jax import lax

from t2j.rules.runtime.common import ntuple_shape


class TorchBatchNorm(nnx.Module):
    """nn.BatchNorm1d/2d/3d over axis 1: biased batch variance to normalize, unbiased for the running
    estimate, running = (1 - momentum) * running + momentum * batch (torch's momentum)."""

    def __init__(
        self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, *, rngs: nnx.Rngs = None
    ):
        self.eps, self.momentum, self.track_running_stats = eps, momentum, track_running_stats
        self.weight = nnx.Param(jnp.ones((num_features,))) if affine else None
        self.bias = nnx.Param(jnp.zeros((num_features,))) if affine else None
        if track_running_stats:
            self.running_mean = nnx.BatchStat(jnp.zeros((num_features,)))
            self.running_var = nnx.BatchStat(jnp.ones((num_features,)))
        self.use_running_average = False

    def __call__(self, x):
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        if self.use_running_average and self.track_running_stats:
            mean, var = self.running_mean[...], self.running_var[...]
        else:
            mean = x.mean(axis=axes)
            var = jnp.mean(jnp.square(x - mean.reshape(shape)), axis=axes)
            if self.track_running_stats:
                n = x.size // x.shape[1]
                m = self.momentum if self.momentum is not None else 0.1
                self.running_mean[...] = (1 - m) * self.running_mean[...] + m * lax.stop_gradient(mean)
                unbiased = lax.stop_gradient(var) * n / max(n - 1, 1)
                self.running_var[...] = (1 - m) * self.running_var[...] + m * unbiased
        y = (x - mean.reshape(shape)) * lax.rsqrt(var.reshape(shape) + self.eps)
        if self.weight is not None:
            y = y * self.weight[...].reshape(shape) + self.bias[...].reshape(shape)
        return y


def torch_layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """F.layer_norm over the trailing `normalized_shape` dimensions."""
    n = len(ntuple_shape(normalized_shape)) if not isinstance(normalized_shape, int) else 1
    axes = tuple(range(x.ndim - n, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    y = (x - mean) * lax.rsqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


class TorchLayerNorm(nnx.Module):
    """nn.LayerNorm (eps 1e-5 by default, any number of trailing normalized dimensions)."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, *, rngs: nnx.Rngs = None):
        self.normalized_shape = ntuple_shape(normalized_shape)
        self.eps = eps
        self.weight = nnx.Param(jnp.ones(self.normalized_shape)) if elementwise_affine else None
        self.bias = nnx.Param(jnp.zeros(self.normalized_shape)) if elementwise_affine and bias else None

    def __call__(self, x):
        weight = self.weight[...] if self.weight is not None else None
        bias = self.bias[...] if self.bias is not None else None
        return torch_layer_norm(x, self.normalized_shape, weight, bias, self.eps)


def torch_group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """F.group_norm on channels-first input."""
    n, c = x.shape[0], x.shape[1]
    g = x.reshape((n, num_groups, -1))
    mean = g.mean(axis=2, keepdims=True)
    var = jnp.mean(jnp.square(g - mean), axis=2, keepdims=True)
    y = ((g - mean) * lax.rsqrt(var + eps)).reshape(x.shape)
    shape = (1, c) + (1,) * (x.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


class TorchGroupNorm(nnx.Module):
    """nn.GroupNorm on channels-first input."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, *, rngs: nnx.Rngs = None):
        self.num_groups, self.eps = num_groups, eps
        self.weight = nnx.Param(jnp.ones((num_channels,))) if affine else None
        self.bias = nnx.Param(jnp.zeros((num_channels,))) if affine else None

    def __call__(self, x):
        weight = self.weight[...] if self.weight is not None else None
        bias = self.bias[...] if self.bias is not None else None
        return torch_group_norm(x, self.num_groups, weight, bias, self.eps)


class TorchInstanceNorm(nnx.Module):
    """nn.InstanceNorm1d/2d/3d (no running statistics unless track_running_stats)."""

    def __init__(
        self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, *, rngs: nnx.Rngs = None
    ):
        self.eps = eps
        self.weight = nnx.Param(jnp.ones((num_features,))) if affine else None
        self.bias = nnx.Param(jnp.zeros((num_features,))) if affine else None

    def __call__(self, x):
        axes = tuple(range(2, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
        y = (x - mean) * lax.rsqrt(var + self.eps)
        if self.weight is not None:
            shape = (1, -1) + (1,) * (x.ndim - 2)
            y = y * self.weight[...].reshape(shape) + self.bias[...].reshape(shape)
        return y
