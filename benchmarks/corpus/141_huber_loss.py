"""HuberLoss with delta 2.0, reduction sum."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, pred, target):
        return F.huber_loss(pred, target, delta=2.0, reduction="sum")


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 64) * 3, torch.randn(32, 64)]
