"""ELU (alpha 0.5), SELU and CELU."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.elu(x, alpha=0.5) + torch.selu(x) + F.celu(x, alpha=1.5)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 512)]
