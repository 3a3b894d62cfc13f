"""transpose, flatten and unsqueeze/squeeze."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        y = x.transpose(1, 2).flatten(1)
        return y.unsqueeze(1).squeeze(1) + 1.0


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 24)]
