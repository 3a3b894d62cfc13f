import torch
import torch.nn as nn


class Model(nn.Module):
    """ConvTranspose2d (kernel 3, stride 2, padding 1, output_padding 1) then a 3x3 Conv2d."""

    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(32, 16, kernel_size=3, stride=2, padding=1, output_padding=1)
        self.conv = nn.Conv2d(16, 8, kernel_size=3, padding=1)

    def forward(self, x):
        return self.conv(torch.relu(self.up(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 32, 16, 16)]
