import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(8, 4, kernel_size=(3, 2), stride=(2, 1), padding=(0, 1))

    def forward(self, x):
        return self.conv2(torch.relu(self.conv1(x)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 3, 10, 9)]
