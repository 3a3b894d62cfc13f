"""BCEWithLogitsLoss with pos_weight."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.loss = nn.BCEWithLogitsLoss(pos_weight=torch.full((16,), 2.0))

    def forward(self, logits, target):
        return self.loss(logits, target)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 16), torch.randint(0, 2, (32, 16)).float()]
