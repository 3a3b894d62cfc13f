from functools import partial

import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    """Tiny ViT: conv patch embedding, class token, one pre-norm encoder block (multi-head attention), head."""

    def __init__(self, image_size, patch_size, dim, heads, num_classes, *, rngs: nnx.Rngs):
        num_patches = (image_size // patch_size) ** 2
        self.patch_embed = nnx.Conv(3, dim, kernel_size=(patch_size, patch_size), strides=(patch_size, patch_size),
                                    padding="VALID", rngs=rngs)
        self.cls_token = nnx.Param(jnp.zeros((1, 1, dim)))
        self.pos_embed = nnx.Param(jax.random.normal(rngs.params(), (1, num_patches + 1, dim)) * 0.02)
        self.norm1 = nnx.LayerNorm(dim, epsilon=1e-6, rngs=rngs)
        self.attn = nnx.MultiHeadAttention(num_heads=heads, in_features=dim, decode=False, rngs=rngs)
        self.norm2 = nnx.LayerNorm(dim, epsilon=1e-6, rngs=rngs)
        self.mlp = nnx.Sequential(nnx.Linear(dim, dim * 2, rngs=rngs), partial(jax.nn.gelu, approximate=False),
                                  nnx.Linear(dim * 2, dim, rngs=rngs))
        self.norm = nnx.LayerNorm(dim, epsilon=1e-6, rngs=rngs)
        self.head = nnx.Linear(dim, num_classes, rngs=rngs)

    def __call__(self, x):
        x = self.patch_embed(jnp.transpose(x, (0, 2, 3, 1)))  # (N, H', W', D), patches in row-major order
        x = x.reshape(x.shape[0], -1, x.shape[-1])
        cls = jnp.broadcast_to(self.cls_token[...], (x.shape[0], 1, x.shape[-1]))
        x = jnp.concatenate([cls, x], axis=1) + self.pos_embed[...]
        h = self.norm1(x)
        x = x + self.attn(h, h, h)
        x = x + self.mlp(self.norm2(x))
        return self.head(self.norm(x)[:, 0])
