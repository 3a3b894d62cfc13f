"""Embedding with padding_idx, summed with position embeddings."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(500, 64, padding_idx=0)
        self.pos = nn.Embedding(32, 64)

    def forward(self, tokens):
        pos = torch.arange(tokens.shape[1])
        return self.tok(tokens) + self.pos(pos)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randint(0, 500, (16, 32))]
