"""BiLSTM tagger with packed-free masking of padded steps."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(400, 48, padding_idx=0)
        self.lstm = nn.LSTM(48, 64, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(128, 9)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        logits = self.fc(out)
        mask = (tokens != 0).unsqueeze(-1)
        return logits.masked_fill(~mask, 0.0)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.cat([torch.randint(1, 400, (16, 20)), torch.zeros(16, 4, dtype=torch.long)], dim=1)]
