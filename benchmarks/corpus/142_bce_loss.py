"""BCELoss on sigmoid outputs."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.loss = nn.BCELoss()

    def forward(self, logits, target):
        return self.loss(torch.sigmoid(logits), target)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 16), torch.rand(32, 16)]
