"""tensors created inside forward (arange/linspace/ones) broadcast against the input."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        pos = torch.arange(x.shape[1], dtype=x.dtype)
        ramp = torch.linspace(0.0, 1.0, x.shape[1])
        return x * ramp + pos / x.shape[1] + torch.ones_like(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 256)]
