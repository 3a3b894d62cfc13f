import torch
import torch.nn as nn


class Model(nn.Module):
    """Softmax over the channel axis of (B, C, T) scores."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Conv1d(4, 6, 1)

    def forward(self, x):
        return torch.softmax(self.proj(x), dim=1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 4, 6)]
