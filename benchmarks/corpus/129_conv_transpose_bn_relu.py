"""Decoder step: ConvTranspose2d + BatchNorm2d + ReLU."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(64, 32, kernel_size=2, stride=2)
        self.bn = nn.BatchNorm2d(32)

    def forward(self, x):
        return F.relu(self.bn(self.up(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 64, 8, 8)]
