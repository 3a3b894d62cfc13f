# The reference of the running-statistics attacks (tests/test_hostile.py): a Linear then a BatchNorm1d, whose
# running mean and variance a training-mode call updates.
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)
        self.bn = nn.BatchNorm1d(4)

    def forward(self, x):
        return self.bn(self.fc(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(6, 8)]
