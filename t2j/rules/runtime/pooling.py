"""Pooling: max/avg pooling with torch's ceil_mode and count_include_pad, adaptive pooling."""

import math

import jax
import jax.numpy as jnp
import numpy as np
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

    def pool(x):
        return lax.reduce_window(x, init, lax.max, (1, 1) + k, (1, 1) + s, pads, window_dilation=(1, 1) + d)

    # The native gradient (select-and-scatter) is slow on XLA:CPU in 1D and for non-overlapping 2D windows, and
    # JAX has none with dilation; there the gradient is routed tap by tap to torch's element instead (measured in
    # BENCHMARKS.md; overlapping 2D windows and 3D keep the native one, faster there).
    overlapping = any(s[i] < k[i] for i in range(ndim))
    native = ndim == 3 or (ndim == 2 and overlapping)
    if not jnp.issubdtype(x.dtype, jnp.floating) or (native and d == (1,) * ndim):
        return pool(x)
    return max_pool_routed_by_taps(pool, x, k, s, d, pads)


def max_pool_routed_by_taps(pool, x, k, s, d, pads):
    """`pool(x)` (a max pool) with the gradient of torch's max pooling, computed tap by tap from the output."""

    @jax.custom_vjp
    def routed(x):
        return pool(x)

    def forward(x):
        y = pool(x)
        return y, (x, y)

    def backward(residuals, g):
        x, y = residuals
        padded = jnp.pad(x, pads, constant_values=-jnp.inf)
        inside = jnp.pad(jnp.ones(x.shape, bool), pads, constant_values=False)
        taken = jnp.zeros(y.shape, bool)
        grad = jnp.zeros(padded.shape, g.dtype)
        for offsets in np.ndindex(*k):  # torch's window order
            start = (0, 0) + tuple(int(o) * d[i] for i, o in enumerate(offsets))
            limit = padded.shape[:2] + tuple(start[2 + i] + (y.shape[2 + i] - 1) * s[i] + 1 for i in range(len(k)))
            strides = (1, 1) + s
            tap = lax.slice(padded, start, limit, strides)
            hit = ((tap == y) | (jnp.isnan(tap) & jnp.isnan(y))) & lax.slice(inside, start, limit, strides) & ~taken
            taken = taken | hit
            # the transpose of the strided slice: interior padding puts each output back at its window position
            config = [(start[i], padded.shape[i] - limit[i], strides[i] - 1) for i in range(padded.ndim)]
            grad = grad + lax.pad(jnp.where(hit, g, 0).astype(g.dtype), jnp.zeros((), g.dtype), config)
        crop = tuple(slice(lo, size - hi) for (lo, hi), size in zip(pads, padded.shape))
        return (grad[crop],)

    routed.defvjp(forward, backward)
    return routed(x)


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
