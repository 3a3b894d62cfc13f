# The training script the training attacks in this folder claim to translate (tests/test_hostile.py): a Linear
# regression trained by plain SGD for five full-batch steps.
import torch
import torch.nn as nn


def make_models():
    return nn.Linear(4, 1)


def make_data():
    return torch.randn(16, 4), torch.randn(16, 1)


def train(model, x, y):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
