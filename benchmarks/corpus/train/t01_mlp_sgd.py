"""Train an MLP regressor with plain SGD on synthetic data (plain tensors, full batch, MSELoss)."""

import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 64)
        self.fc2 = nn.Linear(64, 1)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def make_models():
    """The freshly initialized model that train() trains."""
    return MLP()


def make_data():
    """Inputs and noisy targets (the sum of the first four features), drawn from torch's RNG."""
    x = torch.randn(256, 16)
    y = x[:, :4].sum(dim=1, keepdim=True) + 0.1 * torch.randn(256, 1)
    return x, y


def train(model, x, y):
    """Full-batch SGD for 50 steps; return the loss of every optimizer step."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = nn.MSELoss()
    losses = []
    for step in range(50):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
