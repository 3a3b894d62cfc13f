"""PixelShuffle after a conv (sub-pixel upsampling)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        return self.shuffle(self.conv(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 16, 16, 16)]
