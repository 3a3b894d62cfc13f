"""torch.max along a dim returning values and indices."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        values, indices = torch.max(x, dim=1)
        return values * 2.0, indices


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 256)]
