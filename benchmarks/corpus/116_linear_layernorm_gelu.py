"""Linear + LayerNorm + exact GELU."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(256, 256)
        self.norm = nn.LayerNorm(256)

    def forward(self, x):
        return F.gelu(self.norm(self.fc(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 256)]
