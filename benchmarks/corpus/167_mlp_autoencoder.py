"""Fully connected autoencoder returning reconstruction and code."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 32))
        self.decoder = nn.Sequential(nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 256))

    def forward(self, x):
        z = self.encoder(x)
        return self.decoder(z), z


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 256)]
