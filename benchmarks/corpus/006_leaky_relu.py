"""Leaky ReLU with a custom slope."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.leaky_relu(x, negative_slope=0.2)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 512)]
