import torch
import torch.nn as nn


class Model(nn.Module):
    """A shared trunk and a ModuleDict of heads; the output is a dict."""

    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(10, 16), nn.Tanh(), nn.Linear(16, 16))
        self.heads = nn.ModuleDict({"cls": nn.Linear(16, 5), "box": nn.Linear(16, 4)})

    def forward(self, x):
        h = self.trunk(x)
        out = {name: head(h) for name, head in self.heads.items()}
        out["cls"] = torch.log_softmax(out["cls"], dim=-1)
        return out


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(6, 10)]
