"""F.cross_entropy with reduction='sum' and ignore_index."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, logits, target):
        return F.cross_entropy(logits, target, reduction="sum", ignore_index=3)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 10), torch.randint(0, 10, (32,))]
