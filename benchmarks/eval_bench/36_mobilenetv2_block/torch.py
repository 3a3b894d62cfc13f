import torch
import torch.nn as nn


class Model(nn.Module):
    """MobileNetV2 inverted residual block: 1x1 expand, 3x3 depthwise, 1x1 project (BN after each), skip."""

    def __init__(self, channels, expand_ratio):
        super().__init__()
        hidden = channels * expand_ratio
        self.conv = nn.Sequential(
            nn.Conv2d(channels, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(inplace=True),
            nn.Conv2d(hidden, hidden, 3, 1, 1, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(inplace=True),
            nn.Conv2d(hidden, channels, 1, bias=False),
            nn.BatchNorm2d(channels),
        )

    def forward(self, x):
        return x + self.conv(x)


def get_init_inputs():
    return [32, 4]


def get_inputs():
    return [torch.randn(16, 32, 16, 16)]
