import torch
import torch.nn as nn


class Model(nn.Module):
    """Nested outputs: a tuple holding a tensor and a dict of tensors."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x):
        y = self.fc(x)
        return y, {"mean": y.mean(dim=0), "max": y.amax(dim=1), "norm": torch.linalg.vector_norm(y, dim=-1)}


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(4, 6)]
