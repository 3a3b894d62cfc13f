"""CrossEntropyLoss with class indices (mean)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.loss = nn.CrossEntropyLoss()

    def forward(self, logits, target):
        return self.loss(logits, target)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 10), torch.randint(0, 10, (32,))]
