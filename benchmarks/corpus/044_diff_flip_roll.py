"""flip and roll with differences."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return torch.flip(x, dims=[1]) - torch.roll(x, shifts=3, dims=1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 128)]
