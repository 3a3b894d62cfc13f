"""Single-layer LSTM, batch_first, returning outputs and final states."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(64, 128, batch_first=True)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return out, h, c


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 20, 64)]
