import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(2 * hidden_size, 3)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.fc(out), (h, c)


def get_init_inputs():
    return [6, 8]


def get_inputs():
    return [torch.randn(2, 5, 6)]
