# t2j: entry=fn
import jax
import jax.numpy as jnp


def fn(x, y):
    a = jax.nn.gelu(x, approximate=False) * jax.nn.logsumexp(y, axis=-1, keepdims=True)
    # torch softplus(beta) = log1p(exp(beta*y)) / beta, linear above beta*y > 20 (threshold)
    soft = jnp.where(2.0 * y > 20.0, y, jax.nn.softplus(2.0 * y) / 2.0)
    b = jnp.minimum(soft, 1.5)
    return a + b
