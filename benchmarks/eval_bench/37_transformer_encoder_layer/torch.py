import torch
import torch.nn as nn


class Model(nn.Module):
    """nn.TransformerEncoderLayer (post-norm, ReLU, batch_first) followed by mean pooling and a head."""

    def __init__(self, d_model, nhead, dim_feedforward):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=dim_feedforward, batch_first=True)
        self.head = nn.Linear(d_model, 4)

    def forward(self, x):
        return self.head(self.layer(x).mean(dim=1))


def get_init_inputs():
    return [64, 4, 128]


def get_inputs():
    return [torch.randn(8, 24, 64)]
