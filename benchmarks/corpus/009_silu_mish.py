"""SiLU and Mish activations summed."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.silu(x) + F.mish(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 512)]
