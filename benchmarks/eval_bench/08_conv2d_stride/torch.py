import torch
import torch.nn as nn


class Model(nn.Module):
    """Two Conv2d layers (stride 2 then 3x3 'same'), ReLU between them."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1)

    def forward(self, x):
        return self.conv2(torch.relu(self.conv1(x)))


def get_init_inputs():
    return [3, 32]


def get_inputs():
    return [torch.randn(16, 3, 32, 32)]
