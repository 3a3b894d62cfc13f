"""A small training script in t2j's convention: an MLP with dropout trained by Adam with L2 weight decay."""

import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 64)
        self.drop = nn.Dropout(0.2)
        self.fc2 = nn.Linear(64, 1)

    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.fc1(x))))


def make_models():
    return MLP()


def make_data():
    x = torch.randn(256, 16)
    y = x[:, :4].sum(dim=1, keepdim=True) + 0.1 * torch.randn(256, 1)
    return x, y


def train(model, x, y):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-3)
    loss_fn = nn.MSELoss()
    losses = []
    for step in range(30):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
