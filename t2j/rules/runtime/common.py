"""Small shared pieces: torch's n-tuple arguments and its default uniform initialisation."""

import jax
import jax.numpy as jnp


def ntuple(value, n):
    """An int or a sequence as an n-tuple (torch's _ntuple)."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


def torch_uniform(key, shape, bound):
    """torch's default init: U(-bound, bound)."""
    return jax.random.uniform(key, shape, jnp.float32, -bound, bound)


def ntuple_shape(shape):
    return tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
