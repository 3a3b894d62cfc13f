"""LeNet on synthetic 1x28x28 digits with SGD+momentum and a OneCycleLR schedule (stepped every batch),
batches from a TensorDataset/DataLoader in order."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def make_models():
    """The freshly initialized LeNet that train() trains."""
    return LeNet()


def make_data():
    """Random images and digit labels, drawn from torch's RNG."""
    images, labels = torch.randn(128, 1, 28, 28), torch.randint(0, 10, (128,))
    return images, labels


def train(model, images, labels):
    """Three epochs of four SGD steps, one OneCycleLR step after each; return the loss of every optimizer step."""
    loader = DataLoader(TensorDataset(images, labels), batch_size=32, shuffle=False)
    epochs = 3
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.05, total_steps=epochs * len(loader))
    losses = []
    for epoch in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
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
