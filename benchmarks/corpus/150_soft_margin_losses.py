"""SoftMarginLoss and MultiLabelSoftMarginLoss with targets built from integer labels."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x, labels):
        y = labels.float() * 2 - 1
        return F.soft_margin_loss(x, y), F.multilabel_soft_margin_loss(x, labels.float())


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 16), torch.randint(0, 2, (32, 16))]
