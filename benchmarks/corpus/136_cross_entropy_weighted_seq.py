"""Weighted CrossEntropyLoss over a sequence (N, C, T)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.loss = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5, 1.5, 1.0]))

    def forward(self, logits, target):
        return self.loss(logits, target)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 5, 16), torch.randint(0, 5, (8, 16))]
