"""addmm with beta/alpha scaling."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, w, bias):
        return torch.addmm(bias, x, w, beta=0.5, alpha=2.0)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 256), torch.randn(256, 128), torch.randn(128)]
