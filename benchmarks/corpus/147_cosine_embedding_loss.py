"""CosineEmbeddingLoss with margin and +/-1 targets."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.loss = nn.CosineEmbeddingLoss(margin=0.2)

    def forward(self, x1, x2, target):
        return self.loss(x1, x2, target)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 64), torch.randn(32, 64), torch.tensor([1.0, -1.0] * 16)]
