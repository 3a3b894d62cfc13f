"""NLLLoss on log_softmax outputs, reduction none."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, logits, target):
        return F.nll_loss(F.log_softmax(logits, dim=1), target, reduction="none")


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 10), torch.randint(0, 10, (32,))]
