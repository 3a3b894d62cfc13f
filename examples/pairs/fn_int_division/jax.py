# t2j: entry=fn
import jax.numpy as jnp


def fn(x, a, b):
    q = jnp.floor_divide(a, b)
    r = jnp.remainder(a, b)
    f = jnp.fmod(a, b)
    t = jnp.true_divide(a, b)
    return x * q.astype(x.dtype) + r.astype(x.dtype) - f.astype(x.dtype) + t.astype(x.dtype)
