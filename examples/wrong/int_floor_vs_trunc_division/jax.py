# t2j: entry=bucketize
import jax
import jax.numpy as jnp


def bucketize(x, positions):
    buckets = jax.lax.div(positions, jnp.int32(4))  # BUG: lax.div truncates towards zero (C semantics)
    return x * buckets.astype(x.dtype)
