import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(2, 5, kernel_size=3, stride=(1, 2, 2), padding=1)

    def forward(self, x):
        return torch.nn.functional.silu(self.conv(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 2, 5, 8, 8)]
