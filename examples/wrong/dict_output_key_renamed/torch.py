import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        logits = self.fc(x)
        return {"logits": logits, "probs": torch.softmax(logits, dim=-1)}


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(4, 6)]
