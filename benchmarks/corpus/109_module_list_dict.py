"""nn.ModuleList and nn.ModuleDict of Linear layers."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(64, 64) for _ in range(3)])
        self.heads = nn.ModuleDict({"a": nn.Linear(64, 10), "b": nn.Linear(64, 1)})

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x))
        return self.heads["a"](x), self.heads["b"](x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 64)]
