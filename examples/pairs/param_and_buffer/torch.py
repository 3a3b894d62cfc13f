import torch
import torch.nn as nn


class Model(nn.Module):
    """A bare nn.Parameter, a persistent buffer and a non-persistent buffer."""

    def __init__(self, dim):
        super().__init__()
        self.scale = nn.Parameter(torch.randn(dim))
        self.shift = nn.Parameter(torch.zeros(1, dim) + 0.1)
        self.register_buffer("offset", torch.linspace(-1.0, 1.0, dim))
        self.register_buffer("mask", torch.tril(torch.ones(dim, dim)), persistent=False)

    def forward(self, x):
        y = (x - self.offset) * self.scale + self.shift
        return y @ self.mask


def get_init_inputs():
    return [8]


def get_inputs():
    return [torch.randn(5, 8)]
