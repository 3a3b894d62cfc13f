"""threshold and hardtanh/relu6."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.threshold(x, 0.1, -1.0) + F.hardtanh(x, -0.5, 0.5) + F.relu6(x * 4)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 256)]
