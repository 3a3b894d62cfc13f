import jax
from flax import nnx


class TransformerEncoderLayer(nnx.Module):
    """torch.nn.TransformerEncoderLayer defaults: post-norm, ReLU feed-forward, dropout 0.1, LayerNorm eps 1e-5."""

    def __init__(self, d_model, nhead, dim_feedforward, *, rngs: nnx.Rngs):
        self.self_attn = nnx.MultiHeadAttention(num_heads=nhead, in_features=d_model, dropout_rate=0.1,
                                                decode=False, rngs=rngs)
        self.linear1 = nnx.Linear(d_model, dim_feedforward, rngs=rngs)
        self.dropout = nnx.Dropout(0.1, rngs=rngs)
        self.linear2 = nnx.Linear(dim_feedforward, d_model, rngs=rngs)
        self.norm1 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.norm2 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.dropout1 = nnx.Dropout(0.1, rngs=rngs)
        self.dropout2 = nnx.Dropout(0.1, rngs=rngs)

    def __call__(self, x):
        x = self.norm1(x + self.dropout1(self.self_attn(x, x, x)))
        ff = self.linear2(self.dropout(jax.nn.relu(self.linear1(x))))
        return self.norm2(x + self.dropout2(ff))


class Model(nnx.Module):
    """nn.TransformerEncoderLayer (post-norm, ReLU, batch_first) followed by mean pooling and a head."""

    def __init__(self, d_model, nhead, dim_feedforward, *, rngs: nnx.Rngs):
        self.layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, rngs=rngs)
        self.head = nnx.Linear(d_model, 4, rngs=rngs)

    def __call__(self, x):
        return self.head(self.layer(x).mean(axis=1))
