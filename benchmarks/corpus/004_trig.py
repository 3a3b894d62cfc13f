"""sin, cos, tanh and atan combined."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return torch.sin(x) * torch.cos(2 * x) + torch.tanh(x) - torch.atan(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 256)]
