"""F.interpolate nearest to a non-integer scale."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.interpolate(x, size=(20, 28), mode="nearest")


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 16, 16, 16)]
