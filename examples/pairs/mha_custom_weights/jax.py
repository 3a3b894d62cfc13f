import math

import jax
import jax.numpy as jnp
from flax import nnx


class MultiheadAttention(nnx.Module):
    """torch.nn.MultiheadAttention (batch_first): packed in_proj_weight (3E, E), in_proj_bias, out_proj Linear."""

    def __init__(self, embed, heads, *, rngs: nnx.Rngs):
        bound = math.sqrt(6.0 / (4 * embed))
        self.in_proj_weight = nnx.Param(jax.random.uniform(rngs.params(), (3 * embed, embed), minval=-bound, maxval=bound))
        self.in_proj_bias = nnx.Param(jnp.zeros((3 * embed,)))
        self.out_proj = nnx.Linear(embed, embed, rngs=rngs)
        self.embed, self.heads = embed, heads

    def __call__(self, q, k, v, key_padding_mask=None):
        E, H = self.embed, self.heads
        w, b = self.in_proj_weight[...], self.in_proj_bias[...]
        q = q @ w[:E].T + b[:E]
        k = k @ w[E:2 * E].T + b[E:2 * E]
        v = v @ w[2 * E:].T + b[2 * E:]
        split = lambda t: t.reshape(t.shape[0], t.shape[1], H, E // H).transpose(0, 2, 1, 3)
        q, k, v = split(q), split(k), split(v)
        scores = q @ jnp.swapaxes(k, -1, -2) / math.sqrt(E // H)
        if key_padding_mask is not None:
            scores = jnp.where(key_padding_mask[:, None, None, :], -jnp.inf, scores)
        probs = jax.nn.softmax(scores, axis=-1)
        out = (probs @ v).transpose(0, 2, 1, 3).reshape(q.shape[0], -1, E)
        return self.out_proj(out), probs.mean(axis=1)


class Model(nnx.Module):
    def __init__(self, embed, heads, *, rngs: nnx.Rngs):
        self.attn = MultiheadAttention(embed, heads, rngs=rngs)

    def __call__(self, q, kv, pad):
        return self.attn(q, kv, kv, key_padding_mask=pad)
