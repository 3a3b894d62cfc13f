import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.inorm = nn.InstanceNorm2d(5, affine=True)

    def forward(self, x):
        return self.inorm(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(3, 5, 6, 7) * 2 + 1]
