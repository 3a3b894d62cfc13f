"""Custom nn.Parameter and register_buffer used in forward."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(128) * 0.5)
        self.bias = nn.Parameter(torch.zeros(128))
        self.register_buffer("offset", torch.linspace(-1.0, 1.0, 128))

    def forward(self, x):
        return (x - self.offset) * self.scale + self.bias


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 128)]
