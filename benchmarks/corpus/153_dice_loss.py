"""Soft dice loss over segmentation logits."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, logits, target):
        probs = torch.softmax(logits, dim=1)
        onehot = F.one_hot(target, probs.shape[1]).permute(0, 3, 1, 2).float()
        inter = (probs * onehot).sum(dim=(2, 3))
        union = probs.sum(dim=(2, 3)) + onehot.sum(dim=(2, 3))
        return 1 - ((2 * inter + 1.0) / (union + 1.0)).mean()


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 4, 32, 32), torch.randint(0, 4, (8, 32, 32))]
