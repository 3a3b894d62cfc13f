import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """masked_fill with -inf before a softmax, clamp and where."""

    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, scores, lengths):
        positions = jnp.arange(scores.shape[1])[None, :]
        mask = positions >= lengths[:, None]
        probs = jax.nn.softmax(jnp.where(mask, -jnp.inf, scores), axis=1)
        clipped = jnp.clip(scores, -1.0, 1.0)
        return jnp.where(scores > 0, probs, clipped * 0.1)
