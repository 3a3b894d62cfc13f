import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(4, 3, kernel_size=4, stride=2, padding=1, bias=False)

    def forward(self, x):
        return self.up(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 4, 5, 5)]
