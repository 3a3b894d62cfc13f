"""Siamese network: shared encoder, absolute difference, similarity head."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.head = nn.Linear(32, 1)

    def forward(self, x1, x2):
        a = self.encoder(x1)
        b = self.encoder(x2)
        return torch.sigmoid(self.head(torch.abs(a - b)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 1, 28, 28), torch.randn(16, 1, 28, 28)]
