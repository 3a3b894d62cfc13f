import torch
import torch.nn as nn


class Model(nn.Module):
    """Grouped, dilated Conv1d followed by a pointwise Conv1d."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(32, 64, kernel_size=3, dilation=2, padding=2, groups=4)
        self.pointwise = nn.Conv1d(64, 32, kernel_size=1)

    def forward(self, x):
        return self.pointwise(torch.relu(self.conv(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 128)]
