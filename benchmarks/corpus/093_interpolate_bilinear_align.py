"""F.interpolate bilinear with align_corners=True to a fixed size."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.interpolate(x, size=(24, 40), mode="bilinear", align_corners=True)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 16, 16, 16)]
