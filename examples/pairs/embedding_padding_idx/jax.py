import jax
import jax.numpy as jnp
from flax import nnx


class Embedding(nnx.Module):
    """torch.nn.Embedding with padding_idx: the padding row receives no gradient."""

    def __init__(self, num, dim, padding_idx, *, rngs: nnx.Rngs):
        w = jax.random.normal(rngs.params(), (num, dim))
        self.weight = nnx.Param(w.at[padding_idx].set(0.0))
        self.padding_idx = padding_idx

    def __call__(self, tokens):
        w = self.weight[...]
        keep = (jnp.arange(w.shape[0]) != self.padding_idx)[:, None]
        w = jnp.where(keep, w, jax.lax.stop_gradient(w))
        return jnp.take(w, tokens, axis=0)


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.emb = Embedding(20, 8, padding_idx=0, rngs=rngs)

    def __call__(self, tokens, weights):
        return self.emb(tokens) * weights[..., None]
