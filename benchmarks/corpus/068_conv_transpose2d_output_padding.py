"""ConvTranspose2d with kernel 3, stride 2 and output_padding 1."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(16, 8, kernel_size=3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        return self.deconv(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 16, 16, 16)]
