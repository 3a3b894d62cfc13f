"""Dropout (identity in eval mode) between two ops."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(p=0.3)

    def forward(self, x):
        return self.drop(torch.relu(x)) * 2.0


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 256)]
