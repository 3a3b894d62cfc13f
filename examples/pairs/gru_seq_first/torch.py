import torch
import torch.nn as nn


class Model(nn.Module):
    """Single-layer GRU, sequence-first (T, B, F), with an initial hidden state passed in."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6)

    def forward(self, x, h0):
        out, h = self.gru(x, h0)
        return out[-1] + h[0]


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(7, 3, 4), torch.randn(1, 3, 6)]
