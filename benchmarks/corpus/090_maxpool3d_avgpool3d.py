"""MaxPool3d and AvgPool3d."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.maxpool = nn.MaxPool3d(2)
        self.avgpool = nn.AvgPool3d(2)

    def forward(self, x):
        return self.maxpool(x) + self.avgpool(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 8, 8, 16, 16)]
