"""F.kl_div with log_target=True, reduction sum."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a, b):
        return F.kl_div(F.log_softmax(a, -1), F.log_softmax(b, -1), reduction="sum", log_target=True)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 20), torch.randn(32, 20)]
