"""GaussianNLLLoss and PoissonNLLLoss (log input)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, mean, target, var):
        return F.gaussian_nll_loss(mean, target, var.exp()), F.poisson_nll_loss(mean, target.abs())


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 16), torch.randn(32, 16), torch.randn(32, 16)]
