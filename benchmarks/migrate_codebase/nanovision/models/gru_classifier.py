import torch
import torch.nn as nn

from nanovision.registry import register


class GRUClassifier(nn.Module):
    def __init__(self, features, hidden, classes):
        super().__init__()
        self.gru = nn.GRU(features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        _, h = self.gru(x)
        return self.head(h[-1])


@register("gru")
def build(cfg):
    return GRUClassifier(cfg.get("features", 8), 32, cfg["num_classes"])


# t2j: entry=GRUClassifier
def get_init_inputs():
    return [8, 16, 4]


def get_inputs():
    return [torch.randn(2, 6, 8)]
