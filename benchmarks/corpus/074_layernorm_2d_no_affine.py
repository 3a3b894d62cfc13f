"""LayerNorm over the last two dims without affine parameters."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm([32, 64], elementwise_affine=False)

    def forward(self, x):
        return self.ln(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 64)]
