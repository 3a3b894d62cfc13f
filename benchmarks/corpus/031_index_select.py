"""index_select along dim 0 and dim 1."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, idx):
        rows = torch.index_select(x, 0, idx)
        return torch.index_select(rows, 1, idx)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(64, 64), torch.randint(0, 64, (20,))]
