import math
from functools import partial

import jax
import jax.numpy as jnp
from flax import nnx


class CausalSelfAttention(nnx.Module):
    def __init__(self, n_embd, n_head, block_size, *, rngs: nnx.Rngs):
        self.n_head = n_head
        self.c_attn = nnx.Linear(n_embd, 3 * n_embd, rngs=rngs)
        self.c_proj = nnx.Linear(n_embd, n_embd, rngs=rngs)
        self.bias = nnx.Variable(jnp.tril(jnp.ones((block_size, block_size))).reshape(1, 1, block_size, block_size))

    def __call__(self, x):
        B, T, C = x.shape
        q, k, v = jnp.split(self.c_attn(x), 3, axis=2)
        k = k.reshape(B, T, self.n_head, C // self.n_head).transpose(0, 2, 1, 3)
        q = q.reshape(B, T, self.n_head, C // self.n_head).transpose(0, 2, 1, 3)
        v = v.reshape(B, T, self.n_head, C // self.n_head).transpose(0, 2, 1, 3)
        att = (q @ jnp.swapaxes(k, -2, -1)) * (1.0 / math.sqrt(k.shape[-1]))
        att = jnp.where(self.bias[...][:, :, :T, :T] == 0, -jnp.inf, att)
        att = jax.nn.softmax(att, axis=-1)
        y = (att @ v).transpose(0, 2, 1, 3).reshape(B, T, C)
        return self.c_proj(y)


class Model(nnx.Module):
    """GPT-2 style block: pre-LayerNorm causal self-attention and a tanh-GELU MLP, both residual."""

    def __init__(self, n_embd, n_head, block_size, *, rngs: nnx.Rngs):
        self.ln_1 = nnx.LayerNorm(n_embd, epsilon=1e-5, rngs=rngs)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size, rngs=rngs)
        self.ln_2 = nnx.LayerNorm(n_embd, epsilon=1e-5, rngs=rngs)
        self.mlp = nnx.Sequential(nnx.Linear(n_embd, 4 * n_embd, rngs=rngs), partial(jax.nn.gelu, approximate=True),
                                  nnx.Linear(4 * n_embd, n_embd, rngs=rngs))

    def __call__(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))
