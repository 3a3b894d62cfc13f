import torch
import torch.nn as nn


class Model(nn.Module):
    """Token and learned position embeddings, LayerNorm, and a projection."""

    def __init__(self, vocab_size, max_len, dim):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Embedding(max_len, dim)
        self.norm = nn.LayerNorm(dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, tokens):
        positions = torch.arange(tokens.shape[1])
        return self.proj(self.norm(self.tok(tokens) + self.pos(positions)))


def get_init_inputs():
    return [1000, 64, 128]


def get_inputs():
    return [torch.randint(0, 1000, (16, 48))]
