"""Resampling: F.interpolate's modes and pixel (un)shuffle."""

import math

import jax.numpy as jnp
import numpy as np


def torch_interpolate(
    x, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None, antialias=False
):
    """F.interpolate / nn.Upsample for 'nearest', 'linear', 'bilinear', 'trilinear' (channels-first)."""
    nd = x.ndim - 2
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nd
        scales = [None] * nd
    else:
        sf = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * nd
        out = tuple(int(math.floor(x.shape[2 + i] * sf[i])) for i in range(nd))
        scales = list(sf) if not recompute_scale_factor else [None] * nd
    for i in range(nd):
        axis, n_in, n_out = 2 + i, x.shape[2 + i], out[i]
        scale = (1.0 / scales[i]) if scales[i] else n_in / n_out
        if mode in ("nearest", "nearest-exact"):
            pos = np.arange(n_out, dtype=np.float64)
            src = np.floor((pos + 0.5) * scale) if mode == "nearest-exact" else np.floor(pos * scale)
            src = np.minimum(src.astype(np.int64), n_in - 1)
            x = jnp.take(x, jnp.asarray(src), axis=axis)
            continue
        if align_corners:
            src = np.arange(n_out) * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
        else:
            src = np.maximum((np.arange(n_out) + 0.5) * scale - 0.5, 0.0)
        lo = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
        hi = np.minimum(lo + 1, n_in - 1)
        w = (src - lo).astype(np.float32)
        shape = [1] * x.ndim
        shape[axis] = n_out
        w = jnp.asarray(w).reshape(shape)
        x = jnp.take(x, jnp.asarray(lo), axis=axis) * (1 - w) + jnp.take(x, jnp.asarray(hi), axis=axis) * w
    return x


def torch_pixel_shuffle(x, upscale_factor):
    n, c, h, w = x.shape
    r = upscale_factor
    x = x.reshape(n, c // (r * r), r, r, h, w).transpose(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // (r * r), h * r, w * r)


def torch_pixel_unshuffle(x, downscale_factor):
    n, c, h, w = x.shape
    r = downscale_factor
    x = x.reshape(n, c, h // r, r, w // r, r).transpose(0, 1, 3, 5, 2, 4)
    return x.reshape(n, c * r * r, h // r, w // r)
