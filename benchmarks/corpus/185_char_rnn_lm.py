"""Character-level language model: embedding, 2-layer LSTM, tied output layer."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(96, 64)
        self.lstm = nn.LSTM(64, 64, num_layers=2, batch_first=True, dropout=0.1)
        self.dropout = nn.Dropout(0.1)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return F.linear(self.dropout(out), self.embedding.weight)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randint(0, 96, (16, 32))]
