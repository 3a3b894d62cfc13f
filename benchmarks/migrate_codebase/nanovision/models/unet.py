import torch
import torch.nn as nn
import torch.nn.functional as F

from nanovision.registry import register


class DoubleConv(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_ch, out_ch, 3, padding=1), nn.ReLU(),
            nn.Conv2d(out_ch, out_ch, 3, padding=1), nn.ReLU(),
        )

    def forward(self, x):
        return self.net(x)


class TinyUNet(nn.Module):
    def __init__(self, channels=3, classes=2, width=8):
        super().__init__()
        self.down1 = DoubleConv(channels, width)
        self.down2 = DoubleConv(width, 2 * width)
        self.up = nn.ConvTranspose2d(2 * width, width, 2, stride=2)
        self.fuse = DoubleConv(2 * width, width)
        self.out = nn.Conv2d(width, classes, 1)

    def forward(self, x):
        d1 = self.down1(x)
        d2 = self.down2(F.max_pool2d(d1, 2))
        u = self.up(d2)
        return self.out(self.fuse(torch.cat([u, d1], dim=1)))


@register("unet")
def build(cfg):
    return TinyUNet(cfg["channels"], cfg["num_classes"])


# t2j: entry=TinyUNet
def get_init_inputs():
    return [3, 2, 8]


def get_inputs():
    return [torch.randn(2, 3, 16, 16)]
