"""argmax and argmin (integer outputs) with amax."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return torch.argmax(x, dim=-1), torch.argmin(x, dim=0), x.amax(dim=-1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 256)]
