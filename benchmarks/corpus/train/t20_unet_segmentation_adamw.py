"""One-level U-Net for binary segmentation, trained with AdamW and BCEWithLogits + dice loss."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.mid = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.dec = nn.Conv2d(16, 1, 3, padding=1)

    def forward(self, x):
        skip = self.enc(x)
        h = self.up(self.mid(F.max_pool2d(skip, 2)))
        return self.dec(torch.cat([h, skip], dim=1))


def main():
    torch.manual_seed(0)
    images = torch.randn(16, 1, 32, 32)
    masks = (images > 0.5).float()
    model = TinyUNet()
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    for step in range(15):
        optimizer.zero_grad()
        logits = model(images)
        probs = torch.sigmoid(logits)
        dice = 1 - (2 * (probs * masks).sum() + 1) / (probs.sum() + masks.sum() + 1)
        loss = F.binary_cross_entropy_with_logits(logits, masks) + dice
        loss.backward()
        optimizer.step()
        if step % 5 == 0:
            print(f"step {step} loss {loss.item():.4f}")
    print(f"final loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
