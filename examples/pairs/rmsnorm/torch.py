import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.RMSNorm(16, eps=1e-6)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc(self.norm(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(3, 7, 16)]
