import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, vocab, dim, classes, *, rngs: nnx.Rngs):
        self.embedding = nnx.Embed(vocab, dim, rngs=rngs)
        self.head = nnx.Linear(dim, classes, rngs=rngs)

    def __call__(self, tokens):
        return self.head(jnp.mean(self.embedding(tokens), axis=1))
