"""clamp and where."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        y = torch.clamp(x, min=-0.5, max=0.8)
        return torch.where(x > 0, y, x * 0.1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 256)]
