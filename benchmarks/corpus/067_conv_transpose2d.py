"""ConvTranspose2d upsampling by 2."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(32, 16, kernel_size=4, stride=2, padding=1)

    def forward(self, x):
        return self.deconv(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 32, 16, 16)]
