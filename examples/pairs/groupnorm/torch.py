import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 1)
        self.gn = nn.GroupNorm(4, 16)

    def forward(self, x):
        return nn.functional.gelu(self.gn(self.conv(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 3, 7, 7)]
