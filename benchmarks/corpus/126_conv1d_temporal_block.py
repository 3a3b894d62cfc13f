"""Temporal conv block: causal dilated Conv1d, BatchNorm1d, ReLU, residual."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, dilation):
        super().__init__()
        self.pad = 2 * dilation
        self.conv = nn.Conv1d(32, 32, kernel_size=3, dilation=dilation)
        self.bn = nn.BatchNorm1d(32)

    def forward(self, x):
        h = F.pad(x, (self.pad, 0))
        h = torch.relu(self.bn(self.conv(h)))
        return h + x


def get_init_inputs():
    return [4]


def get_inputs():
    return [torch.randn(16, 32, 64)]
