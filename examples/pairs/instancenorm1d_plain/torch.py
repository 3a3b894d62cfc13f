import torch
import torch.nn as nn


class Model(nn.Module):
    """InstanceNorm1d without affine parameters (torch's default) after a Linear on (N, L, C) features."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 6)
        self.inorm = nn.InstanceNorm1d(6)

    def forward(self, x):
        h = self.fc(x).transpose(1, 2)  # (N, C, L)
        return self.inorm(h)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 9, 8)]
