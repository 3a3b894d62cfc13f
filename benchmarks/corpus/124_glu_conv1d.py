"""Conv1d followed by F.glu over channels (gated conv)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(32, 64, 3, padding=1)

    def forward(self, x):
        return F.glu(self.conv(x), dim=1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 32, 64)]
