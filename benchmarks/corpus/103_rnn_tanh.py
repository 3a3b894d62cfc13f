"""Elman RNN (tanh), two layers."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(32, 64, num_layers=2)

    def forward(self, x):
        out, h = self.rnn(x)
        return out, h


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(20, 16, 32)]
