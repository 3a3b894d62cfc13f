import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose3d(3, 2, kernel_size=(2, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1),
                                     output_padding=(0, 1, 0), dilation=1)

    def forward(self, x):
        return self.up(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(1, 3, 3, 4, 5)]
