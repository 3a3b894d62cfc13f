"""L1Loss, reduction none."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.loss = nn.L1Loss(reduction="none")

    def forward(self, pred, target):
        return self.loss(pred, target)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 64), torch.randn(32, 64)]
