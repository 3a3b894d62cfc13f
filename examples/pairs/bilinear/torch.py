import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in1, in2, out):
        super().__init__()
        self.bil = nn.Bilinear(in1, in2, out)

    def forward(self, a, b):
        return self.bil(a, b)


def get_init_inputs():
    return [6, 5, 7]


def get_inputs():
    return [torch.randn(8, 6), torch.randn(8, 5)]
