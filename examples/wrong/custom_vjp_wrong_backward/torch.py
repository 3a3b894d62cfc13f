import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x):
        return torch.clamp(self.fc(x), -0.5, 0.5) * 3.0


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(10, 6)]
