import torch
import torch.nn as nn


class Model(nn.Module):
    """Conv2d (no bias) + BatchNorm2d + ReLU, twice, as an nn.Sequential."""

    def __init__(self):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.Conv2d(32, 32, 3, padding=1, bias=False),
            nn.BatchNorm2d(32, momentum=0.05),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.block(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 3, 32, 32)]
