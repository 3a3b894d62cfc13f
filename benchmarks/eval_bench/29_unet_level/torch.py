import torch
import torch.nn as nn
import torch.nn.functional as F


class DoubleConv(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_ch, out_ch, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_ch, out_ch, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.net(x)


class Model(nn.Module):
    """One U-Net level: double conv, max-pool, bottleneck, 2x2 transposed-conv upsample, skip concat, 1x1 out."""

    def __init__(self):
        super().__init__()
        self.enc = DoubleConv(3, 16)
        self.bottleneck = DoubleConv(16, 32)
        self.up = nn.ConvTranspose2d(32, 16, kernel_size=2, stride=2)
        self.dec = DoubleConv(32, 16)
        self.out = nn.Conv2d(16, 2, kernel_size=1)

    def forward(self, x):
        skip = self.enc(x)
        mid = self.bottleneck(F.max_pool2d(skip, 2))
        return self.out(self.dec(torch.cat([self.up(mid), skip], dim=1)))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(8, 3, 32, 32)]
