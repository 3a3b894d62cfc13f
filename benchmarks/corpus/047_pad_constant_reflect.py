"""F.pad constant and reflect modes."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        a = F.pad(x, (1, 2, 3, 0), value=0.5)
        b = F.pad(x, (2, 2, 2, 2), mode="reflect")
        return a.sum(dim=(2, 3)), b


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 3, 32, 32)]
