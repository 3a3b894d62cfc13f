"""Elementwise add and multiply of two tensors."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, y):
        return (x + y) * y


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 256), torch.randn(16, 256)]
