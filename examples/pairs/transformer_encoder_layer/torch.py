import torch
import torch.nn as nn


class Model(nn.Module):
    """nn.TransformerEncoderLayer, pre-norm, exact GELU, no dropout."""

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, dropout=0.0,
                                                activation="gelu", batch_first=True, norm_first=True)

    def forward(self, x):
        return self.layer(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 5, 16)]
