"""Residual CNN (BatchNorm2d, train mode) trained with SGD + momentum; a checkpoint (model + optimizer state
+ step) is saved with torch.save, loaded back with torch.load, and training resumes from it."""

import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv1 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(ch)
        self.conv2 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(ch)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(out)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = ResBlock(16)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.block(F.relu(self.stem(x)))
        return self.fc(x.mean(dim=(2, 3)))


def make_models():
    """The freshly initialized network that train() trains."""
    return Net()


def make_data():
    """Random images and class labels, drawn from torch's RNG."""
    x, y = torch.randn(32, 3, 16, 16), torch.randint(0, 10, (32,))
    return x, y


def train(model, x, y):
    """Six SGD steps, a checkpoint saved and restored (model and optimizer state), six more steps from it;
    return the loss of every optimizer step."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    losses = []
    for step in range(6):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    path = os.path.join(tempfile.mkdtemp(), "checkpoint.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": len(losses)}, path)
    checkpoint = torch.load(path)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    for step in range(checkpoint["step"], 12):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f} after {len(losses)} steps")


if __name__ == "__main__":
    main()
