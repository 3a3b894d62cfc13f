"""Bidirectional GRU sequence labeller (per-step logits)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(500, 64)
        self.gru = nn.GRU(64, 64, bidirectional=True, batch_first=True)
        self.head = nn.Linear(128, 12)

    def forward(self, tokens):
        out, _ = self.gru(self.embedding(tokens))
        return self.head(out)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randint(0, 500, (16, 24))]
