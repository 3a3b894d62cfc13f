import torch
import torch.nn as nn


class Model(nn.Module):
    """Quantisation with a straight-through estimator: round in the forward, identity gradient."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        y = self.fc(x) * 4
        return y + (torch.round(y) - y).detach()


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(5, 8)]
