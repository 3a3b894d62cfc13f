import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    """Squeeze-and-excitation: global average pool, bottleneck MLP, sigmoid channel gate."""

    def __init__(self, channels, reduction):
        super().__init__()
        self.fc1 = nn.Linear(channels, channels // reduction)
        self.fc2 = nn.Linear(channels // reduction, channels)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1).flatten(1)
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        return x * s[:, :, None, None]


def get_init_inputs():
    return [64, 8]


def get_inputs():
    return [torch.randn(16, 64, 16, 16)]
