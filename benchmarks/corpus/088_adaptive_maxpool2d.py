"""AdaptiveMaxPool2d to 4x4."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveMaxPool2d((4, 4))

    def forward(self, x):
        return self.pool(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 16, 32, 32)]
