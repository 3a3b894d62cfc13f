# The reference every hostile translation in this folder claims to translate (tests/test_hostile.py).
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return torch.tanh(self.fc(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(3, 8)]
