import torch
import torch.nn as nn


class Model(nn.Module):
    """No reference solution on purpose: CodeBLEU must be null for this problem."""

    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        return self.proj(self.norm(x)).tanh()


def get_init_inputs():
    return [6]


def get_inputs():
    return [torch.randn(4, 6)]
