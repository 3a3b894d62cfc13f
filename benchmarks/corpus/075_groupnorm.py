"""GroupNorm with 8 groups."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gn = nn.GroupNorm(8, 32)

    def forward(self, x):
        return self.gn(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 16, 16)]
