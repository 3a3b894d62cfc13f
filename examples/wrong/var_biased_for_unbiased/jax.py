# t2j: entry=standardize
import jax.numpy as jnp


def standardize(x):
    var = jnp.var(x, axis=-1, keepdims=True)  # BUG: jnp.var is biased (ddof=0); torch.var is unbiased
    return (x - jnp.mean(x, axis=-1, keepdims=True)) / jnp.sqrt(var + 1e-5)
