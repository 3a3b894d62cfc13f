"""Logistic regression with BCEWithLogitsLoss and SGD; evaluation under torch.no_grad."""

import torch
import torch.nn as nn


def main():
    torch.manual_seed(0)
    x = torch.randn(300, 5)
    y = (x @ torch.tensor([1.0, -2.0, 0.5, 0.0, 1.5]) > 0).float().unsqueeze(1)
    model = nn.Linear(5, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    criterion = nn.BCEWithLogitsLoss()
    for step in range(60):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        accuracy = ((model(x) > 0).float() == y).float().mean().item()
    print(f"final loss {loss.item():.4f} accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
