"""Logistic regression with BCEWithLogitsLoss and SGD; accuracy evaluated under torch.no_grad."""

import torch
import torch.nn as nn


def make_models():
    """The freshly initialized logistic-regression model that train() trains."""
    return nn.Linear(5, 1)


def make_data():
    """Features and float 0/1 labels of a fixed linear rule, drawn from torch's RNG."""
    x = torch.randn(300, 5)
    y = (x @ torch.tensor([1.0, -2.0, 0.5, 0.0, 1.5]) > 0).float().unsqueeze(1)
    return x, y


def train(model, x, y):
    """60 full-batch SGD steps, then the training accuracy under torch.no_grad();
    return the loss of every optimizer step."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    criterion = nn.BCEWithLogitsLoss()
    losses = []
    for step in range(60):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        accuracy = ((model(x) > 0).float() == y).float().mean().item()
    print(f"accuracy {accuracy:.3f}")
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
