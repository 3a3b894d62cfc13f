"""AvgPool2d with padding, count_include_pad=True (default)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AvgPool2d(kernel_size=3, stride=2, padding=1)

    def forward(self, x):
        return self.pool(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 16, 32, 32)]
