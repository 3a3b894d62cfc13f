"""Elman RNN with ReLU nonlinearity and no bias."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(32, 32, nonlinearity="relu", bias=False, batch_first=True)

    def forward(self, x):
        out, h = self.rnn(x)
        return out


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 12, 32)]
