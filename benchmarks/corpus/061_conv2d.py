"""nn.Conv2d 3x3, padding 1."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)

    def forward(self, x):
        return self.conv(x)


def get_init_inputs():
    return [3, 32]


def get_inputs():
    return [torch.randn(16, 3, 32, 32)]
