"""Gradient accumulation over four micro-batches per optimizer step, with SGD + momentum and L1 loss."""

import torch
import torch.nn as nn


def make_models():
    """The freshly initialized regressor that train() trains."""
    return nn.Sequential(nn.Linear(24, 64), nn.ReLU(), nn.Linear(64, 1))


def make_data():
    """Features and the absolute sum of their first six, drawn from torch's RNG."""
    x = torch.randn(256, 24)
    y = x[:, :6].abs().sum(dim=1, keepdim=True)
    return x, y


def train(model, x, y):
    """12 SGD steps, each on gradients accumulated over four micro-batches of 16 rows;
    return the loss of every optimizer step (the sum of its scaled micro-batch losses)."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    accumulation = 4
    losses = []
    for step in range(12):
        optimizer.zero_grad()
        total = 0.0
        for micro in torch.split(torch.arange(64), 16):
            index = (step * 64 + micro) % 256
            loss = nn.functional.l1_loss(model(x[index]), y[index]) / accumulation
            loss.backward()
            total += loss.item()
        optimizer.step()
        losses.append(total)
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
