import torch
import torch.nn as nn


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return torch.flatten(x.mean(dim=(2, 3), keepdim=True), 1)


class AttentionPool(nn.Module):
    """Pool a sequence with learned attention weights."""

    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, x):
        weights = torch.softmax(self.score(x).squeeze(-1), dim=1)
        return (weights.unsqueeze(-1) * x).sum(dim=1)


# t2j: entry=AttentionPool
def get_init_inputs():
    return [24]


def get_inputs():
    return [torch.randn(3, 10, 24)]
