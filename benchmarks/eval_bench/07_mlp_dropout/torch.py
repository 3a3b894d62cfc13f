import torch
import torch.nn as nn


class Model(nn.Module):
    """MLP: Linear, exact GELU, Dropout, Linear, Tanh, Linear."""

    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.act = nn.GELU()
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, out_features)

    def forward(self, x):
        x = self.drop(self.act(self.fc1(x)))
        return self.fc3(torch.tanh(self.fc2(x)))


def get_init_inputs():
    return [256, 512, 10]


def get_inputs():
    return [torch.randn(32, 256)]
