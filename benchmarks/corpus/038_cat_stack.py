"""cat and stack of derived tensors."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, y):
        a = torch.cat([x, y * 2, x - y], dim=1)
        return torch.stack([x, y], dim=0).sum(0), a


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 64), torch.randn(16, 64)]
