"""Train a small CNN (Conv2d + BatchNorm2d, train mode) with AdamW (decoupled weight decay) and a cosine LR
schedule; save the state dict with torch.save and load it back with torch.load."""

import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)  # BatchNorm would cancel a bias (zero gradient)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.relu(self.conv2(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def make_models():
    """The freshly initialized CNN that train() trains."""
    return SmallCNN()


def make_data():
    """Random images and class labels, drawn from torch's RNG."""
    images = torch.randn(64, 3, 16, 16)
    labels = torch.randint(0, 10, (64,))
    return images, labels


def train(model, images, labels):
    """20 full-batch AdamW steps under a cosine schedule, then a save/load round trip of the state dict;
    return the loss of every optimizer step."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=20)
    model.train()
    losses = []
    for step in range(20):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    path = os.path.join(tempfile.mkdtemp(), "cnn.pt")
    torch.save(model.state_dict(), path)
    model.load_state_dict(torch.load(path))
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
