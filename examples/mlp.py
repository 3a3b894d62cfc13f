"""A PyTorch problem file (KernelBench convention): Model, get_init_inputs(), get_inputs().

Translate and verify it:  t2j translate examples/mlp.py -o mlp_jax.py
Verify the hand translation:  t2j verify examples/mlp.py examples/mlp_jax.py
"""

import torch
import torch.nn as nn


class Model(nn.Module):
    """A two-hidden-layer MLP classifier with LayerNorm and exact GELU."""

    def __init__(self, in_features: int, hidden: int, num_classes: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.norm = nn.LayerNorm(hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = nn.functional.gelu(self.norm(self.fc1(x)))
        x = torch.relu(self.fc2(x))
        return torch.log_softmax(self.head(x), dim=-1)


def get_init_inputs():
    return [32, 64, 10]


def get_inputs():
    return [torch.randn(16, 32)]
