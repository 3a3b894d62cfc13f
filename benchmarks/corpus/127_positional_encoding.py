"""Sinusoidal positional encoding buffer added to embeddings."""

import math

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, dim, max_len):
        super().__init__()
        self.dim = dim
        self.emb = nn.Embedding(200, dim)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, dim, 2) * (-math.log(10000.0) / dim))
        pe = torch.zeros(max_len, dim)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, tokens):
        return self.emb(tokens) * math.sqrt(self.dim) + self.pe[: tokens.shape[1]]


def get_init_inputs():
    return [64, 128]


def get_inputs():
    return [torch.randint(0, 200, (16, 32))]
