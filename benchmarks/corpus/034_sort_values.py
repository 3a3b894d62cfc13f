"""sort along the last dim (values and indices), descending."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        values, indices = torch.sort(x, dim=-1, descending=True)
        return values, indices


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 128)]
