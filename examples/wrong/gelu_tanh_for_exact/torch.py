import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.act = nn.GELU()

    def forward(self, x):
        return self.act(self.fc(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 16) * 2]
