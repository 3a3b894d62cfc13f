import torch
import torch.nn as nn


class Model(nn.Module):
    """Dropout is the identity in eval mode; training mode is random, so only eval is compared."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 24)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(24, 4)

    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.fc1(x))))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 12)]
