"""expand and repeat."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        e = x.unsqueeze(1).expand(-1, 8, -1)
        r = x.repeat(1, 2)
        return e * 0.5, r


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 64)]
