import torch
import torch.nn as nn


class Model(nn.Module):
    """padding_idx: the padding row gets no gradient in torch (and starts at zero)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8, padding_idx=0)

    def forward(self, tokens, weights):
        return self.emb(tokens) * weights.unsqueeze(-1)


def get_init_inputs():
    return []


def get_inputs():
    tokens = torch.randint(0, 20, (4, 10))
    tokens[:, -3:] = 0
    return [tokens, torch.rand(4, 10)]
