import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, bidirectional=True)

    def forward(self, x):
        return self.lstm(x)[0]


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(6, 2, 3)]
