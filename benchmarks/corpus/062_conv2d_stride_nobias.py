"""Conv2d with stride 2, asymmetric kernel, no bias."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(16, 32, kernel_size=(3, 5), stride=2, padding=(1, 2), bias=False)

    def forward(self, x):
        return self.conv(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 16, 32, 32)]
