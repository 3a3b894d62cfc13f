import torch
import torch.nn as nn


class Model(nn.Module):
    """GRU (batch_first) from a given initial hidden state, followed by a Linear head on every step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(32, 64, batch_first=True)
        self.head = nn.Linear(64, 8)

    def forward(self, x, h0):
        out, h = self.gru(x, h0)
        return self.head(out), h


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 24, 32), torch.randn(1, 16, 64)]
