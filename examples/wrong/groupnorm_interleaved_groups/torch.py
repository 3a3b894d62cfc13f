import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gn = nn.GroupNorm(2, 8)

    def forward(self, x):
        return self.gn(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 8, 5) * torch.linspace(0.5, 4.0, 8).reshape(1, 8, 1)]
