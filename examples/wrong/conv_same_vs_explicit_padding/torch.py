import torch
import torch.nn as nn


class Model(nn.Module):
    """Strided conv with padding=1 on an even-sized input: torch pads (1, 1); 'SAME' would pad (0, 1)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 3, 8, 8)]
