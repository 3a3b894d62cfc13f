"""AdaptiveAvgPool2d to a size that does not divide the input (overlapping windows)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d((7, 5))

    def forward(self, x):
        return self.pool(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 16, 30, 30)]
