import torch
import torch.nn as nn


class Model(nn.Module):
    """Cross-attention with a key padding mask; returns the output and the head-averaged attention weights."""

    def __init__(self, embed, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(embed, heads, batch_first=True)

    def forward(self, q, kv, pad):
        return self.attn(q, kv, kv, key_padding_mask=pad)


def get_init_inputs():
    return [16, 4]


def get_inputs():
    pad = torch.zeros(2, 7, dtype=torch.bool)
    pad[0, 5:] = True
    return [torch.randn(2, 5, 16), torch.randn(2, 7, 16), pad]
