"""Kim-style text CNN: embedding, parallel Conv1d widths, max-over-time, classifier."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(2000, 64)
        self.convs = nn.ModuleList([nn.Conv1d(64, 32, k) for k in (3, 4, 5)])
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(96, 4)

    def forward(self, tokens):
        emb = self.embedding(tokens).transpose(1, 2)
        pooled = [F.relu(conv(emb)).amax(dim=2) for conv in self.convs]
        return self.fc(self.dropout(torch.cat(pooled, dim=1)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randint(0, 2000, (16, 48))]
