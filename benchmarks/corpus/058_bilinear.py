"""nn.Bilinear layer."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.bilinear = nn.Bilinear(64, 48, 32)

    def forward(self, x1, x2):
        return self.bilinear(x1, x2)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 64), torch.randn(32, 48)]
