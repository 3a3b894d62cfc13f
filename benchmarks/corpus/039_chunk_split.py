"""chunk and split into unequal parts."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        a, b = torch.chunk(x, 2, dim=1)
        c, d, e = torch.split(x, [32, 64, 32], dim=1)
        return a * b, c.sum(1) + d.mean(1) - e.amax(1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 128)]
