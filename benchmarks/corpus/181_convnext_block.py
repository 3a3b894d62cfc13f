"""ConvNeXt block: 7x7 depthwise conv, channels-last LayerNorm, inverted MLP, layer scale."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.dwconv = nn.Conv2d(64, 64, kernel_size=7, padding=3, groups=64)
        self.norm = nn.LayerNorm(64, eps=1e-6)
        self.pwconv1 = nn.Linear(64, 256)
        self.pwconv2 = nn.Linear(256, 64)
        self.gamma = nn.Parameter(1e-2 * torch.ones(64))

    def forward(self, x):
        h = self.dwconv(x).permute(0, 2, 3, 1)
        h = self.pwconv2(F.gelu(self.pwconv1(self.norm(h))))
        return x + (self.gamma * h).permute(0, 3, 1, 2)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 64, 16, 16)]
