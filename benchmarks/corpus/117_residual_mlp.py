"""Pre-norm residual MLP block."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(128)
        self.fc1 = nn.Linear(128, 512)
        self.fc2 = nn.Linear(512, 128)

    def forward(self, x):
        return x + self.fc2(F.gelu(self.fc1(self.norm(x))))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 128)]
