"""Train a small CNN with AdamW (decoupled weight decay) and a cosine LR schedule; save the state dict."""

import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.relu(self.conv2(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def main():
    torch.manual_seed(0)
    images = torch.randn(64, 3, 16, 16)
    labels = torch.randint(0, 10, (64,))
    model = SmallCNN()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=20)
    model.train()
    for step in range(20):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        scheduler.step()
        if step % 5 == 0:
            print(f"step {step} lr {scheduler.get_last_lr()[0]:.5f} loss {loss.item():.4f}")
    path = os.path.join(tempfile.mkdtemp(), "cnn.pt")
    torch.save(model.state_dict(), path)
    restored = SmallCNN()
    restored.load_state_dict(torch.load(path))
    print(f"final loss {loss.item():.4f}, saved to {path}")


if __name__ == "__main__":
    main()
