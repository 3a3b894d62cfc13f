"""GRU, batch_first, with an initial hidden state."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(64, 96, batch_first=True)

    def forward(self, x, h0):
        out, h = self.gru(x, h0)
        return out, h


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 24, 64), torch.randn(1, 16, 96)]
