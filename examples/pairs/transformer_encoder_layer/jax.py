import math

import jax
import jax.numpy as jnp
from flax import nnx


class SelfAttention(nnx.Module):
    """torch.nn.MultiheadAttention (self-attention, batch_first) with torch's packed parameter layout."""

    def __init__(self, embed, heads, *, rngs: nnx.Rngs):
        self.in_proj_weight = nnx.Param(jax.random.normal(rngs.params(), (3 * embed, embed)) * 0.1)
        self.in_proj_bias = nnx.Param(jnp.zeros((3 * embed,)))
        self.out_proj = nnx.Linear(embed, embed, rngs=rngs)
        self.embed, self.heads = embed, heads

    def __call__(self, x):
        B, T, E = x.shape
        H = self.heads
        qkv = x @ self.in_proj_weight[...].T + self.in_proj_bias[...]
        q, k, v = (t.reshape(B, T, H, E // H).transpose(0, 2, 1, 3) for t in jnp.split(qkv, 3, axis=-1))
        probs = jax.nn.softmax(q @ jnp.swapaxes(k, -1, -2) / math.sqrt(E // H), axis=-1)
        return self.out_proj((probs @ v).transpose(0, 2, 1, 3).reshape(B, T, E))


class TransformerEncoderLayer(nnx.Module):
    def __init__(self, d_model, nhead, dim_feedforward, *, rngs: nnx.Rngs):
        self.self_attn = SelfAttention(d_model, nhead, rngs=rngs)
        self.linear1 = nnx.Linear(d_model, dim_feedforward, rngs=rngs)
        self.linear2 = nnx.Linear(dim_feedforward, d_model, rngs=rngs)
        self.norm1 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.norm2 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        x = x + self.self_attn(self.norm1(x))
        return x + self.linear2(jax.nn.gelu(self.linear1(self.norm2(x)), approximate=False))


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.layer = TransformerEncoderLayer(16, 4, 32, rngs=rngs)

    def __call__(self, x):
        return self.layer(x)
