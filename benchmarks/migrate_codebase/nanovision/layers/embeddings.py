import math

import torch
import torch.nn as nn


class PatchEmbed(nn.Module):
    """Split an image into patches and project each one: (B, C, H, W) -> (B, N, D)."""

    def __init__(self, channels, dim, patch_size):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        x = self.proj(x)
        return x.flatten(2).transpose(1, 2)


def sinusoidal_positions(n, dim):
    position = torch.arange(n, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(n, dim)
    table[:, 0::2] = torch.sin(position * div)
    table[:, 1::2] = torch.cos(position * div)
    return table


# t2j: entry=PatchEmbed
def get_init_inputs():
    return [3, 32, 4]


def get_inputs():
    return [torch.randn(2, 3, 16, 16)]
