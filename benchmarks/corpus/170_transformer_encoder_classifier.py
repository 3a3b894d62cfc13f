"""nn.TransformerEncoder (2 layers) over embeddings, mean-pooled classifier."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(300, 64)
        layer = nn.TransformerEncoderLayer(64, 4, dim_feedforward=128, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.fc = nn.Linear(64, 3)

    def forward(self, tokens):
        h = self.encoder(self.embedding(tokens))
        return self.fc(h.mean(dim=1))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randint(0, 300, (8, 32))]
