import torch
import torch.nn as nn


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


class HardSwish(nn.Module):
    def forward(self, x):
        return x * torch.clamp(x + 3.0, 0.0, 6.0) / 6.0


# t2j: entry=Swish
def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(4, 32)]
