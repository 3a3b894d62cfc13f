import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    """Padded max pool, average pool with count_include_pad=False, and global adaptive average pool."""

    def __init__(self):
        super().__init__()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.avgpool = nn.AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=False)

    def forward(self, x):
        a = self.maxpool(x)
        b = self.avgpool(a)
        return b, F.adaptive_avg_pool2d(b, 1).flatten(1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 16, 32, 32)]
