import torch
import torch.nn as nn


class Model(nn.Module):
    """Embedding, two-layer LSTM (batch_first), classifier on the last layer's final hidden state."""

    def __init__(self, vocab_size, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, 64)
        self.lstm = nn.LSTM(64, 128, num_layers=2, batch_first=True)
        self.fc = nn.Linear(128, num_classes)

    def forward(self, tokens):
        _, (h, _) = self.lstm(self.embedding(tokens))
        return self.fc(h[-1])


def get_init_inputs():
    return [1000, 5]


def get_inputs():
    return [torch.randint(0, 1000, (16, 32))]
