"""sqrt and rsqrt of a shifted positive input."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        z = x * x + 1.0
        return torch.sqrt(z) + torch.rsqrt(z)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 256)]
