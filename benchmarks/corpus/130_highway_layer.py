"""Highway layer: gated mix of a transform and the input."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.transform = nn.Linear(256, 256)
        self.gate = nn.Linear(256, 256)

    def forward(self, x):
        t = torch.sigmoid(self.gate(x))
        return t * torch.relu(self.transform(x)) + (1 - t) * x


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 256)]
