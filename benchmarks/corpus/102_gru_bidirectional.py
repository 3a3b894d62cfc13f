"""Bidirectional two-layer GRU, batch_first."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(32, 48, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x):
        out, h = self.gru(x)
        return out


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 16, 32)]
