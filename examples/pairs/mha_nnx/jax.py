from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.attn = nnx.MultiHeadAttention(num_heads=3, in_features=12, decode=False, rngs=rngs)

    def __call__(self, x):
        return self.attn(x)
