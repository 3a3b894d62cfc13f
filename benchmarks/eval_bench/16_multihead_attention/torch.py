import torch
import torch.nn as nn


class Model(nn.Module):
    """nn.MultiheadAttention self-attention (batch_first) with a residual and LayerNorm."""

    def __init__(self, dim, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        out, _ = self.attn(x, x, x, need_weights=False)
        return self.norm(x + out)


def get_init_inputs():
    return [128, 4]


def get_inputs():
    return [torch.randn(8, 32, 128)]
