import torch
import torch.nn as nn


class Model(nn.Module):
    """Two-layer Elman RNN (tanh), sequence-first, returning all outputs and the final hidden states."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, num_layers=2)

    def forward(self, x):
        out, h = self.rnn(x)
        return out, h


def get_init_inputs():
    return [32, 64]


def get_inputs():
    return [torch.randn(20, 16, 32)]
