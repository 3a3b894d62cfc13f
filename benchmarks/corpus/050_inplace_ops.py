"""in-place add/mul and item assignment on a clone."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        y = x.clone()
        y.mul_(2.0)
        y.add_(1.0)
        y[:, 0] = 0.0
        y[:, -4:] = y[:, :4] * 3
        return y


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 256)]
