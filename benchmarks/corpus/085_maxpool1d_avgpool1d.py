"""MaxPool1d and AvgPool1d."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.maxpool = nn.MaxPool1d(4, stride=2)
        self.avgpool = nn.AvgPool1d(4)

    def forward(self, x):
        return self.maxpool(x), self.avgpool(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 128)]
