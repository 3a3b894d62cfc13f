"""CNN feature extractor per frame followed by an LSTM over time."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.lstm = nn.LSTM(32, 64, batch_first=True)
        self.fc = nn.Linear(64, 5)

    def forward(self, x):
        b, t = x.shape[:2]
        feats = self.cnn(x.reshape(b * t, *x.shape[2:])).view(b, t, -1)
        out, _ = self.lstm(feats)
        return self.fc(out[:, -1])


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(4, 6, 3, 32, 32)]
