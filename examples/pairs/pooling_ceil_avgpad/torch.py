import torch
import torch.nn as nn


class Model(nn.Module):
    """MaxPool2d with ceil_mode=True (an extra partial window) and AvgPool2d with zero padding counted
    in the divisor (count_include_pad=True, torch's default)."""

    def __init__(self):
        super().__init__()
        self.maxpool = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.avgpool = nn.AvgPool2d(3, stride=1, padding=1)

    def forward(self, x):
        return self.maxpool(x), self.avgpool(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 3, 8, 8)]
