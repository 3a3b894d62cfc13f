"""Dense mixture of experts: softmax gate over stacked expert outputs."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(64, 4)
        self.experts = nn.ModuleList([nn.Linear(64, 32) for _ in range(4)])

    def forward(self, x):
        weights = torch.softmax(self.gate(x), dim=-1)
        outs = torch.stack([expert(x) for expert in self.experts], dim=-1)
        return (outs * weights.unsqueeze(1)).sum(-1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(32, 64)]
