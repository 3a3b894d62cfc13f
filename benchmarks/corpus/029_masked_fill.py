"""masked_fill with a computed boolean mask."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        mask = x < -0.3
        return x.masked_fill(mask, 0.0) + x.masked_fill(~mask, -1.0) * 0.5


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 256)]
