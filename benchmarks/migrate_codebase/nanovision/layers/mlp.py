import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    """Linear -> GELU -> Linear, the feed-forward block of transformers."""

    def __init__(self, dim, hidden, out_dim=None):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, out_dim or dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


# t2j: entry=MLP
def get_init_inputs():
    return [32, 64]


def get_inputs():
    return [torch.randn(4, 10, 32)]
