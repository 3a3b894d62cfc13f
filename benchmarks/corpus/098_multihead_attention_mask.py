"""nn.MultiheadAttention cross-attention with a key padding mask, sequence-first."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(64, num_heads=8)

    def forward(self, q, kv, mask):
        out, _ = self.attn(q, kv, kv, key_padding_mask=mask, need_weights=False)
        return out


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 8, 64), torch.randn(24, 8, 64), torch.arange(24).unsqueeze(0).expand(8, 24) >= torch.tensor([24, 20, 16, 12, 24, 22, 18, 10]).unsqueeze(1)]
