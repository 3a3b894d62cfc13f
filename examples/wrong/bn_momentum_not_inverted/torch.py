import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm2d(4, momentum=0.1)

    def forward(self, x):
        return self.bn(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 4, 64, 64) * 2 + 3]
