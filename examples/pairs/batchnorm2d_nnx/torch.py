import torch
import torch.nn as nn


class Model(nn.Module):
    """Conv + BatchNorm2d (default momentum 0.1). The batch holds 8*64*64 = 32768 values per channel, so the
    n/(n-1) factor of torch's running-variance update is ~3e-5 relative: nnx.BatchNorm is within tolerance here."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(4)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 3, 64, 64)]
