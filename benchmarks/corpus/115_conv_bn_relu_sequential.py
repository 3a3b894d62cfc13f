"""Conv-BN-ReLU twice in nn.Sequential, with BN momentum 0.05."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(16, 32, 3, padding=1, bias=False),
            nn.BatchNorm2d(32, momentum=0.05),
            nn.ReLU(inplace=True),
            nn.Conv2d(32, 32, 3, padding=1, bias=False),
            nn.BatchNorm2d(32, momentum=0.05),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.block(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 16, 32, 32)]
