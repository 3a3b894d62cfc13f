import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(3, 5, kernel_size=3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        return torch.relu(self.up(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 3, 6, 5)]
