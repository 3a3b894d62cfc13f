"""Pooling: max/avg pooling with torch's ceil_mode and count_include_pad, adaptive pooling."""

import math

import jax.numpy as jnp
from jax import lax

from t2j.rules.runtime.common import ntuple


def pool_padding(size, k, s, p, d, ceil_mode):
    """(lo, hi) padding of one spatial axis for torch pooling, including ceil_mode's extra window."""
    eff = d * (k - 1) + 1
    out = (size + 2 * p - eff) / s + 1
    out = math.ceil(out) if ceil_mode else math.floor(out)
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    hi = max((out - 1) * s + eff - size - p, 0)
    return (p, hi)


def torch_max_pool(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False, *, ndim):
    """F.max_pool1d/2d/3d on channels-first input."""
    k = ntuple(kernel_size, ndim)
    s = ntuple(stride if stride is not None else kernel_size, ndim)
    p, d = ntuple(padding, ndim), ntuple(dilation, ndim)
    pads = [(0, 0), (0, 0)] + [pool_padding(x.shape[2 + i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(ndim)]
    init = -jnp.inf if jnp.issubdtype(x.dtype, jnp.floating) else int(jnp.iinfo(x.dtype).min)
    return lax.reduce_window(x, init, lax.max, (1, 1) + k, (1, 1) + s, pads, window_dilation=(1, 1) + d)


def torch_avg_pool(
    x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None, *, ndim
):
    """F.avg_pool1d/2d/3d on channels-first input (count_include_pad and ceil_mode as torch)."""
    k = ntuple(kernel_size, ndim)
    s = ntuple(stride if stride is not None else kernel_size, ndim)
    p = ntuple(padding, ndim)
    pads = [(0, 0), (0, 0)] + [pool_padding(x.shape[2 + i], k[i], s[i], p[i], 1, ceil_mode) for i in range(ndim)]
    window, strides = (1, 1) + k, (1, 1) + s
    total = lax.reduce_window(x, 0.0, lax.add, window, strides, pads)
    if divisor_override:
        return total / divisor_override
    if count_include_pad:
        # torch counts the explicit padding but not the extra ceil_mode overhang
        ones = jnp.ones((1, 1) + tuple(x.shape[2 + i] + 2 * p[i] for i in range(ndim)), x.dtype)
        extra = [(0, 0), (0, 0)] + [(0, pads[2 + i][1] - p[i]) for i in range(ndim)]
        count = lax.reduce_window(ones, 0.0, lax.add, window, strides, extra)
    else:
        ones = jnp.ones((1, 1) + x.shape[2:], x.dtype)
        count = lax.reduce_window(ones, 0.0, lax.add, window, strides, pads)
    return total / count


def torch_adaptive_avg_pool(x, output_size, *, ndim):
    """F.adaptive_avg_pool1d/2d/3d: torch's start=floor(i*L/out), end=ceil((i+1)*L/out) bins."""
    sizes = ntuple(output_size, ndim)
    for axis, out in enumerate(sizes):
        axis = x.ndim - ndim + axis
        length = x.shape[axis]
        if out is None or out == length:
            continue
        if length % out == 0:
            shape = x.shape[:axis] + (out, length // out) + x.shape[axis + 1 :]
            x = x.reshape(shape).mean(axis=axis + 1)
            continue
        parts = []
        for i in range(out):
            start, end = (i * length) // out, -((-(i + 1) * length) // out)
            parts.append(lax.slice_in_dim(x, start, end, axis=axis).mean(axis=axis, keepdims=True))
        x = jnp.concatenate(parts, axis=axis)
    return x


def torch_adaptive_max_pool(x, output_size, *, ndim):
    """F.adaptive_max_pool1d/2d/3d (values only)."""
    sizes = ntuple(output_size, ndim)
    for axis, out in enumerate(sizes):
        axis = x.ndim - ndim + axis
        length = x.shape[axis]
        if out is None or out == length:
            continue
        parts = []
        for i in range(out):
            start, end = (i * length) // out, -((-(i + 1) * length) // out)
            parts.append(lax.slice_in_dim(x, start, end, axis=axis).max(axis=axis, keepdims=True))
        x = jnp.concatenate(parts, axis=axis)
    return x
