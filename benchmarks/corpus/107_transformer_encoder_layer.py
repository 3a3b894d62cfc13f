"""nn.TransformerEncoderLayer, batch_first, GELU activation."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=256, dropout=0.1, activation="gelu", batch_first=True)

    def forward(self, x):
        return self.layer(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 32, 128)]
