import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc = nn.Linear(dim, dim)

    def forward(self, x):
        return self.fc(self.norm(x))


def get_init_inputs():
    return [32]


def get_inputs():
    return [torch.randn(4, 6, 32) * 0.05 + 1.0]
