"""nn.Embedding lookup followed by a mean."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(1000, 128)

    def forward(self, tokens):
        return self.emb(tokens).mean(dim=1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randint(0, 1000, (32, 24))]
