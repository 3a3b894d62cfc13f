"""slicing, strided slicing and integer-array indexing."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, idx):
        a = x[:, 1:-1:2]
        b = x[idx]
        return a.sum(dim=1), b[:, ::4]


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 128), torch.tensor([3, 1, 4, 1, 5, 9, 2, 6])]
