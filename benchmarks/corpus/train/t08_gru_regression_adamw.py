"""GRU regression of a running sum (GRU, batch_first) with AdamW and an ExponentialLR schedule."""

import torch
import torch.nn as nn


class GRURegressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 32, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        h, _ = self.gru(x)
        return self.out(h)


def make_models():
    """The freshly initialized regressor that train() trains."""
    return GRURegressor()


def make_data():
    """Random sequences and their scaled running sums, drawn from torch's RNG."""
    x = torch.randn(64, 15, 1)
    y = torch.cumsum(x, dim=1) * 0.3
    return x, y


def train(model, x, y):
    """25 full-batch AdamW steps under an exponential decay; return the loss of every optimizer step."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-2)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.95)
    losses = []
    for step in range(25):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
