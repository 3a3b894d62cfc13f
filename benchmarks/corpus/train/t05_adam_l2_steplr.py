"""Linear regression with Adam and L2 weight decay (added to the gradient, torch semantics) under a StepLR
schedule; a hand-written squared-error loss."""

import torch
import torch.nn as nn


def make_models():
    """The freshly initialized linear model that train() trains."""
    return nn.Linear(20, 1)


def make_data():
    """Inputs and noisy targets of a random linear map, drawn from torch's RNG."""
    w_true = torch.randn(20, 1)
    x = torch.randn(400, 20)
    y = x @ w_true + 0.05 * torch.randn(400, 1)
    return x, y


def train(model, x, y):
    """40 full-batch Adam steps, the learning rate halved every 10; return the loss of every optimizer step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=1e-3)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    losses = []
    for step in range(40):
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.5f} final loss {losses[-1]:.5f} weight norm {model.weight.norm().item():.4f}")


if __name__ == "__main__":
    main()
