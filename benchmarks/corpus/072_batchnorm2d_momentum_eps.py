"""BatchNorm2d with momentum 0.01 and eps 1e-3."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm2d(32, eps=1e-3, momentum=0.01)

    def forward(self, x):
        return self.bn(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 16, 16)]
