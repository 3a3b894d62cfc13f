"""pow, square and reciprocal."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        z = x.abs() + 0.5
        return torch.pow(z, 1.5) + z.square() + torch.reciprocal(z)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 256)]
