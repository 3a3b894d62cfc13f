"""gather along dim 1 with integer indices."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, index):
        return torch.gather(x, 1, index)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 128), torch.randint(0, 128, (32, 16))]
