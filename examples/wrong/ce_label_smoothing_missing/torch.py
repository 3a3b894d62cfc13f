import torch
import torch.nn as nn


class Model(nn.Module):
    """Classifier returning its training loss (label smoothing 0.1)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(12, 5)
        self.loss = nn.CrossEntropyLoss(label_smoothing=0.1)

    def forward(self, x, target):
        return self.loss(self.fc(x), target)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 12), torch.randint(0, 5, (8,))]
