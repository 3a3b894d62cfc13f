import jax
import jax.numpy as jnp
from flax import nnx


class MultiheadAttention(nnx.Module):
    def __init__(self, embed, heads, *, rngs: nnx.Rngs):
        self.in_proj_weight = nnx.Param(jax.random.normal(rngs.params(), (3 * embed, embed)) * 0.1)
        self.in_proj_bias = nnx.Param(jnp.zeros((3 * embed,)))
        self.out_proj = nnx.Linear(embed, embed, rngs=rngs)
        self.heads = heads

    def __call__(self, x):
        B, T, E = x.shape
        H = self.heads
        qkv = x @ self.in_proj_weight[...].T + self.in_proj_bias[...]
        q, k, v = (t.reshape(B, T, H, E // H).transpose(0, 2, 1, 3) for t in jnp.split(qkv, 3, axis=-1))
        probs = jax.nn.softmax(q @ jnp.swapaxes(k, -1, -2), axis=-1)  # BUG: missing / sqrt(head_dim)
        return self.out_proj((probs @ v).transpose(0, 2, 1, 3).reshape(B, T, E))


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.attn = MultiheadAttention(8, 2, rngs=rngs)

    def __call__(self, x):
        return self.attn(x)
