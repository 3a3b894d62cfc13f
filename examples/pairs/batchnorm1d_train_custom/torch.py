import torch
import torch.nn as nn


class Model(nn.Module):
    """BatchNorm1d on (N, C) features with momentum 0.3 and a small batch: the running variance update uses the
    unbiased batch variance (n / (n - 1)), which a JAX translation must reproduce."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 12)
        self.bn = nn.BatchNorm1d(12, momentum=0.3)

    def forward(self, x):
        return torch.relu(self.bn(self.fc(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(6, 10) * 2 + 0.5]
