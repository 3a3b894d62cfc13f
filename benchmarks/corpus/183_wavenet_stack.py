"""WaveNet-like stack of gated dilated causal convolutions with residual and skip outputs."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.dilated = nn.ModuleList([nn.Conv1d(32, 64, 2, dilation=d) for d in (1, 2, 4, 8)])
        self.residual = nn.ModuleList([nn.Conv1d(32, 32, 1) for _ in range(4)])

    def forward(self, x):
        skip = 0
        for conv, res in zip(self.dilated, self.residual):
            h = conv(F.pad(x, (conv.dilation[0], 0)))
            a, b = h.chunk(2, dim=1)
            z = torch.tanh(a) * torch.sigmoid(b)
            x = x + res(z)
            skip = skip + z
        return x, skip


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 32, 128)]
