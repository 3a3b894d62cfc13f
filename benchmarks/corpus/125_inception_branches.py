"""Inception-style block: parallel 1x1, 3x3, 5x5 and pool branches concatenated."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.b1 = nn.Conv2d(32, 16, 1)
        self.b3 = nn.Conv2d(32, 16, 3, padding=1)
        self.b5 = nn.Conv2d(32, 8, 5, padding=2)
        self.bp = nn.Conv2d(32, 8, 1)

    def forward(self, x):
        a = self.b1(x)
        b = self.b3(x)
        c = self.b5(x)
        d = self.bp(F.max_pool2d(x, 3, stride=1, padding=1))
        return torch.relu(torch.cat([a, b, c, d], dim=1))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 32, 16, 16)]
