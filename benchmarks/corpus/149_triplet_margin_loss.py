"""TripletMarginLoss (p=2)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.loss = nn.TripletMarginLoss(margin=1.0)

    def forward(self, anchor, positive, negative):
        return self.loss(anchor, positive, negative)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 64), torch.randn(32, 64), torch.randn(32, 64)]
