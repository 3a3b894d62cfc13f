import torch
import torch.nn as nn


class Model(nn.Module):
    """momentum=None: a cumulative moving average, weighted by num_batches_tracked."""

    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(4, momentum=None)

    def forward(self, x):
        return self.bn(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(10, 4) + 1]
