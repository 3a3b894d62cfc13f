"""Idioms of hand-written training loops: a manual learning-rate schedule through optimizer.param_groups,
enumerate(loader) with nested unpacking, zero_grad(set_to_none=True), clip_grad_value_, model.train()."""

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def make_models():
    return nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.Linear(16, 1))


def make_data():
    x = torch.randn(64, 8)
    return x, x.sum(dim=1, keepdim=True).sin()


def train(model, x, y):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(TensorDataset(x, y), batch_size=16)
    losses = []
    for epoch in range(3):
        for group in optimizer.param_groups:
            group["lr"] = 0.1 * (0.5**epoch)
        model.train()
        for batch_idx, (xb, yb) in enumerate(loader):
            optimizer.zero_grad(set_to_none=True)
            out = model(xb)
            loss = nn.functional.smooth_l1_loss(out, yb, beta=0.5)
            loss.backward()
            torch.nn.utils.clip_grad_value_(model.parameters(), 0.05)
            optimizer.step()
            losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    print(f"final loss {losses[-1]:.4f}, a fresh optimizer's lr {optimizer.param_groups[0]['lr']}")
