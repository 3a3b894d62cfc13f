import torch
import torch.nn as nn


class Model(nn.Module):
    """Square layers without bias: a kernel left untransposed would still have the right shape."""

    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, dim, bias=False)
        self.gate = nn.Linear(dim, dim)

    def forward(self, x):
        return torch.tanh(self.proj(x)) * torch.sigmoid(self.gate(x))


def get_init_inputs():
    return [24]


def get_inputs():
    return [torch.randn(3, 5, 24)]
