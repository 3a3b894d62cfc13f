"""Causal self-attention using a registered tril mask and masked_fill(-inf)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, block_size):
        super().__init__()
        self.query = nn.Linear(64, 64, bias=False)
        self.key = nn.Linear(64, 64, bias=False)
        self.value = nn.Linear(64, 64, bias=False)
        self.register_buffer("mask", torch.tril(torch.ones(block_size, block_size)))

    def forward(self, x):
        b, t, c = x.shape
        q = self.query(x)
        k = self.key(x)
        v = self.value(x)
        att = q @ k.transpose(-2, -1) * c ** -0.5
        att = att.masked_fill(self.mask[:t, :t] == 0, float("-inf"))
        return F.softmax(att, dim=-1) @ v


def get_init_inputs():
    return [64]


def get_inputs():
    return [torch.randn(16, 32, 64)]
