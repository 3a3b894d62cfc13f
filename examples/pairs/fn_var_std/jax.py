# t2j: entry=stats
import jax.numpy as jnp


def stats(x):
    v = jnp.var(x, axis=1, ddof=1)
    s = jnp.std(x, axis=-1, keepdims=True, ddof=1)
    vb = jnp.var(x, axis=(0, 2))
    return v, s, vb
