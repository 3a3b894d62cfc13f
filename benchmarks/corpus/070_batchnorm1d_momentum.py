"""BatchNorm1d with momentum 0.3 on (N, C, L)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(64, momentum=0.3)

    def forward(self, x):
        return self.bn(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 64, 32)]
