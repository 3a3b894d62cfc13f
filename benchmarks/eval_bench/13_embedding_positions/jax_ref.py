import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """Token and learned position embeddings, LayerNorm, and a projection."""

    def __init__(self, vocab_size, max_len, dim, *, rngs: nnx.Rngs):
        self.tok = nnx.Embed(vocab_size, dim, rngs=rngs)
        self.pos = nnx.Embed(max_len, dim, rngs=rngs)
        self.norm = nnx.LayerNorm(dim, epsilon=1e-5, rngs=rngs)
        self.proj = nnx.Linear(dim, dim, rngs=rngs)

    def __call__(self, tokens):
        positions = jnp.arange(tokens.shape[1])
        return self.proj(self.norm(self.tok(tokens) + self.pos(positions)[None]))
