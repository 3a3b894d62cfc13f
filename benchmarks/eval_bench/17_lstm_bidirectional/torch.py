import torch
import torch.nn as nn


class Model(nn.Module):
    """Bidirectional single-layer LSTM, batch_first; returns outputs and final hidden states."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=True)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return out, h, c


def get_init_inputs():
    return [32, 64]


def get_inputs():
    return [torch.randn(16, 20, 32)]
