import torch
import torch.nn as nn


class Model(nn.Module):
    """Small-variance features (scaled by 1e-3): eps is no longer negligible against the variance."""

    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(32)

    def forward(self, x):
        return self.norm(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(4, 32) * 1e-3]
