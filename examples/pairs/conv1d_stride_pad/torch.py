import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, kernel_size=5, stride=2, padding=2)

    def forward(self, x):
        return torch.relu(self.conv(x))


def get_init_inputs():
    return [4, 6]


def get_inputs():
    return [torch.randn(2, 4, 17)]
