"""scatter_add into a zero tensor (index_add style)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, index):
        out = torch.zeros(x.shape[0], 16, dtype=x.dtype)
        return out.scatter_add(1, index, x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 64), torch.randint(0, 16, (32, 64))]
