"""nn.GRUCell applied for a few steps."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.GRUCell(32, 64)

    def forward(self, x, h):
        for t in range(x.shape[1]):
            h = self.cell(x[:, t], h)
        return h


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 8, 32), torch.randn(16, 64)]
