"""A module with a live PyTorch class, for `t2j.translate(LiveNet)` (inspect.getsource) in tests/test_rules.py."""

import torch.nn as nn


class LiveNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x).relu()
