"""Conv2d + BatchNorm2d + ReLU."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 32, kernel_size=3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(32)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 3, 32, 32)]
