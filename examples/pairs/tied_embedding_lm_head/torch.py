import torch
import torch.nn as nn


class Model(nn.Module):
    """A tiny language model whose output head shares the embedding matrix (weight tying, as in GPT-2)."""

    def __init__(self, vocab, dim):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.ln = nn.LayerNorm(dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, tokens):
        return self.lm_head(self.ln(self.wte(tokens)))


def get_init_inputs():
    return [30, 8]


def get_inputs():
    return [torch.randint(0, 30, (2, 5))]
