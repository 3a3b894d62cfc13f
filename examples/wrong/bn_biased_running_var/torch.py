import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(5, momentum=0.3)

    def forward(self, x):
        return self.bn(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(4, 5) * 2]
