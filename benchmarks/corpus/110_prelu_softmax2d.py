"""PReLU (per channel) and Softmax over channels via nn modules."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.prelu = nn.PReLU(16)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.prelu(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 16, 16, 16)]
