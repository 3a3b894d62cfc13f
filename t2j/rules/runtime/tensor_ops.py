"""Tensor operations whose torch semantics differ from jnp's (split sizes, squeeze, scatter, masks...)."""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax


def torch_softplus(x, beta=1.0, threshold=20.0):
    """F.softplus with torch's beta and linear region above `threshold`."""
    bx = beta * x
    return jnp.where(bx > threshold, x, jax.nn.softplus(bx) / beta)


def torch_flatten(x, start_dim=0, end_dim=-1):
    """torch.flatten / Tensor.flatten / nn.Flatten."""
    if x.ndim == 0:
        return x.reshape(1)
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1 :])


def torch_unflatten(x, dim, sizes):
    dim = dim % x.ndim
    return x.reshape(x.shape[:dim] + tuple(sizes) + x.shape[dim + 1 :])


def torch_chunk(x, chunks, dim=0):
    """torch.chunk: chunks of ceil(n / chunks) elements (the last may be smaller)."""
    size = -(-x.shape[dim] // chunks)
    return torch_split(x, size, dim)


def torch_split(x, split_size_or_sections, dim=0):
    """torch.split: pieces of a given size, or of the listed sizes."""
    n = x.shape[dim]
    if isinstance(split_size_or_sections, int):
        sizes = [split_size_or_sections] * (n // split_size_or_sections)
        if n % split_size_or_sections:
            sizes.append(n % split_size_or_sections)
    else:
        sizes = list(split_size_or_sections)
    bounds = np.cumsum(sizes)[:-1].tolist()
    return tuple(jnp.split(x, bounds, axis=dim))


def torch_expand(x, *sizes):
    """Tensor.expand: -1 keeps a dimension."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    lead = len(sizes) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return jnp.broadcast_to(x, shape)


def torch_squeeze(x, dim=None):
    """torch.squeeze: a dimension that is not of size 1 is left alone."""
    if dim is None:
        return jnp.squeeze(x)
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    dims = tuple(d % x.ndim for d in dims if x.shape[d] == 1)
    return jnp.squeeze(x, axis=dims) if dims else x


def torch_scatter(x, dim, index, src, reduce=None):
    """Tensor.scatter / scatter_add along `dim` (functional)."""
    grids = list(jnp.meshgrid(*[jnp.arange(n) for n in index.shape], indexing="ij"))
    grids[dim] = index
    src = jnp.broadcast_to(src, index.shape) if not hasattr(src, "shape") or src.shape != index.shape else src
    if reduce == "add":
        return x.at[tuple(grids)].add(src)
    if reduce == "multiply":
        return x.at[tuple(grids)].multiply(src)
    return x.at[tuple(grids)].set(src)


def torch_topk(x, k, dim=-1, largest=True, sorted=True):
    """torch.topk: (values, indices) along `dim`."""
    moved = jnp.moveaxis(x, dim, -1)
    values, indices = lax.top_k(moved if largest else -moved, k)
    if not largest:
        values = -values
    return jnp.moveaxis(values, -1, dim), jnp.moveaxis(indices, -1, dim)


def torch_sort(x, dim=-1, descending=False):
    """torch.sort: (values, indices)."""
    indices = jnp.argsort(-x if descending else x, axis=dim, stable=True)
    return jnp.take_along_axis(x, indices, axis=dim), indices


def torch_dropout(x, p, training, key, channel_dropout=None):
    """F.dropout with an explicit key (identity when not training). `channel_dropout=1` or `2` is F.dropout1d/2d:
    whole channels of (N, C, ...) input are dropped (dropout1d also takes unbatched (C, L), as torch does)."""
    if not training or p == 0.0:
        return x
    shape = x.shape
    if channel_dropout is not None:
        channel_axes = 1 if channel_dropout == 1 and x.ndim == 2 else 2
        shape = x.shape[:channel_axes] + (1,) * (x.ndim - channel_axes)
    keep = jax.random.bernoulli(key, 1.0 - p, shape)
    return jnp.where(keep, x / (1.0 - p), 0.0)


def torch_cdist(x1, x2, p=2.0):
    d = jnp.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 2.0:
        return jnp.sqrt(jnp.sum(d * d, axis=-1))
    return jnp.sum(d**p, axis=-1) ** (1.0 / p)


def torch_one_hot(x, num_classes=-1):
    n = num_classes if num_classes >= 0 else int(x.max()) + 1
    return jax.nn.one_hot(x, n, dtype=jnp.int32)


def torch_index_mask(mask, x):
    """A boolean index over x's leading dimensions (torch's `x[mask]`), broadcast to x's full shape."""
    return jnp.broadcast_to(jnp.reshape(mask, mask.shape + (1,) * (x.ndim - mask.ndim)), x.shape)


def torch_masked_sum(x, mask):
    """x[mask].sum() with a static shape (jit-able): the unselected elements count as zero."""
    return jnp.where(torch_index_mask(mask, x), x, 0).sum()


def torch_masked_mean(x, mask):
    """x[mask].mean() with a static shape: the sum of the selected elements over their count (NaN if none)."""
    full = torch_index_mask(mask, x)
    return jnp.where(full, x, 0).sum() / full.sum()


def torch_view_as_real(z):
    """torch.view_as_real: the real and imaginary parts of `z` on a new last axis (a copy; torch's is a view)."""
    return jnp.stack([z.real, z.imag], axis=-1)
