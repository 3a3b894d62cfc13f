"""Sum and mean reductions with keepdim."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return x.sum(dim=1, keepdim=True) + x.mean(dim=(1, 2), keepdim=True)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 64)]
