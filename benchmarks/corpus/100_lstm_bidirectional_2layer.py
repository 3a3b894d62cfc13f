"""Two-layer bidirectional LSTM (sequence-first)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(32, 64, num_layers=2, bidirectional=True)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return out, h


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 8, 32)]
