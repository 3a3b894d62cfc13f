import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.emb = nnx.Embed(20, 8, rngs=rngs)  # BUG: padding_idx dropped: row 0 now receives gradient

    def __call__(self, tokens):
        return jnp.sum(self.emb(tokens), axis=1)
