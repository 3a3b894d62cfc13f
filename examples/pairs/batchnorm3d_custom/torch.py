import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.bn = nn.BatchNorm3d(channels, eps=1e-3, momentum=0.05)

    def forward(self, x):
        return self.bn(x) * 2.0


def get_init_inputs():
    return [3]


def get_inputs():
    return [torch.randn(2, 3, 2, 3, 4) * 3 - 1]
