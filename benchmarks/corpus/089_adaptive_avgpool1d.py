"""AdaptiveAvgPool1d to length 10."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool1d(10)

    def forward(self, x):
        return self.pool(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 64)]
