from flax import nnx


class Model(nnx.Module):
    """nn.MultiheadAttention self-attention (batch_first) with a residual and LayerNorm."""

    def __init__(self, dim, heads, *, rngs: nnx.Rngs):
        self.attn = nnx.MultiHeadAttention(num_heads=heads, in_features=dim, decode=False, rngs=rngs)
        self.norm = nnx.LayerNorm(dim, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        return self.norm(x + self.attn(x, x, x))
