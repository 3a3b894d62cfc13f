"""nn.Linear without bias on a 3D input."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(128, 64, bias=False)

    def forward(self, x):
        return self.proj(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 24, 128)]
