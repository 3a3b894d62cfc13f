import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(10, 10)

    def forward(self, x):
        return self.proj(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(4, 10)]
