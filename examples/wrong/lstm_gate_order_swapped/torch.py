import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, batch_first=True)

    def forward(self, x):
        out, _ = self.lstm(x)
        return out


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 6, 4)]
