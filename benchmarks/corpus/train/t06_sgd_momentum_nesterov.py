"""SGD with Nesterov momentum and weight decay on a two-layer classifier (nn.Sequential, Tanh), with a
MultiStepLR schedule."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_models():
    """The freshly initialized classifier that train() trains."""
    return nn.Sequential(nn.Linear(10, 32), nn.Tanh(), nn.Linear(32, 4))


def make_data():
    """Features and random four-class labels, drawn from torch's RNG."""
    x = torch.randn(256, 10)
    y = torch.randint(0, 4, (256,))
    return x, y


def train(model, x, y):
    """30 full-batch Nesterov SGD steps, the learning rate cut tenfold at steps 15 and 25;
    return the loss of every optimizer step."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[15, 25], gamma=0.1)
    losses = []
    for step in range(30):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
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
