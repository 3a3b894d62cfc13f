"""nn.MultiheadAttention self-attention, batch_first."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(128, num_heads=4, batch_first=True)

    def forward(self, x):
        out, weights = self.attn(x, x, x)
        return out, weights


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 32, 128)]
