# t2j: entry=attention
import math

import jax
import jax.numpy as jnp


def attention(q, k, v):
    t = q.shape[-2]
    scores = q @ jnp.swapaxes(k, -2, -1) / math.sqrt(q.shape[-1])
    causal = jnp.tril(jnp.ones((t, t), dtype=bool))
    scores = jnp.where(causal, scores, -jnp.inf)
    return jax.nn.softmax(scores, axis=-1) @ v
