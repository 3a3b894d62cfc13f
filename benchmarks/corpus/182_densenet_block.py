"""DenseNet dense block: each layer sees the concatenation of all previous outputs."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, num_layers, growth):
        super().__init__()
        self.layers = nn.ModuleList()
        for i in range(num_layers):
            self.layers.append(nn.Sequential(
                nn.BatchNorm2d(16 + i * growth),
                nn.ReLU(),
                nn.Conv2d(16 + i * growth, growth, 3, padding=1, bias=False),
            ))

    def forward(self, x):
        features = [x]
        for layer in self.layers:
            features.append(layer(torch.cat(features, dim=1)))
        return torch.cat(features, dim=1)


def get_init_inputs():
    return [3, 12]


def get_inputs():
    return [torch.randn(8, 16, 16, 16)]
