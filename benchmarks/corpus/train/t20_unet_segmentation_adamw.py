"""One-level U-Net (Conv2d, BatchNorm2d, ConvTranspose2d, skip concat) for binary segmentation, trained with
AdamW and BCEWithLogits + soft dice loss."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyUNet(nn.Module):
    def __init__(self):
        super().__init__()
        # no conv bias before BatchNorm: BatchNorm cancels it, so it gets no gradient
        self.enc = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.mid = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.dec = nn.Conv2d(16, 1, 3, padding=1)

    def forward(self, x):
        skip = self.enc(x)
        h = self.up(self.mid(F.max_pool2d(skip, 2)))
        return self.dec(torch.cat([h, skip], dim=1))


def make_models():
    """The freshly initialized U-Net that train() trains."""
    return TinyUNet()


def make_data():
    """Random single-channel images and their thresholded masks, drawn from torch's RNG."""
    images = torch.randn(16, 1, 32, 32)
    masks = (images > 0.5).float()
    return images, masks


def train(model, images, masks):
    """15 full-batch AdamW steps on BCE-with-logits plus soft dice; return the loss of every optimizer step."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    losses = []
    for step in range(15):
        optimizer.zero_grad()
        logits = model(images)
        probs = torch.sigmoid(logits)
        dice = 1 - (2 * (probs * masks).sum() + 1) / (probs.sum() + masks.sum() + 1)
        loss = F.binary_cross_entropy_with_logits(logits, masks) + dice
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
