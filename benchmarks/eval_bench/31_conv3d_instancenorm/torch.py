import torch
import torch.nn as nn


class Model(nn.Module):
    """Conv3d (no bias: the norm removes it) on a small volume, InstanceNorm3d with affine parameters, LeakyReLU."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(3, 16, kernel_size=3, padding=1, bias=False)
        self.norm = nn.InstanceNorm3d(16, affine=True)
        self.act = nn.LeakyReLU(0.1)

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(4, 3, 8, 16, 16)]
