"""Gradient accumulation over micro-batches with SGD and L1 loss."""

import torch
import torch.nn as nn


def main():
    torch.manual_seed(0)
    x = torch.randn(256, 24)
    y = x[:, :6].abs().sum(dim=1, keepdim=True)
    model = nn.Sequential(nn.Linear(24, 64), nn.ReLU(), nn.Linear(64, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    accumulation = 4
    for step in range(10):
        optimizer.zero_grad()
        total = 0.0
        for micro in torch.split(torch.arange(64), 16):
            index = (step * 64 + micro) % 256
            loss = nn.functional.l1_loss(model(x[index]), y[index]) / accumulation
            loss.backward()
            total += loss.item()
        optimizer.step()
        if step % 3 == 0:
            print(f"step {step} loss {total:.4f}")
    print(f"final loss {total:.4f}")


if __name__ == "__main__":
    main()
