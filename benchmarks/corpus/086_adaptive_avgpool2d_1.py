"""AdaptiveAvgPool2d to 1x1 (global average pooling)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return self.pool(x).flatten(1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 64, 16, 16)]
