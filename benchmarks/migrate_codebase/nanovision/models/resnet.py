import torch
import torch.nn as nn

from nanovision.layers.conv import ConvBNReLU
from nanovision.layers.residual import BasicBlock
from nanovision.registry import register


class TinyResNet(nn.Module):
    def __init__(self, num_classes=10, channels=3, width=16):
        super().__init__()
        self.stem = ConvBNReLU(channels, width)
        self.layer1 = BasicBlock(width, width)
        self.layer2 = BasicBlock(width, 2 * width, stride=2)
        self.head = nn.Linear(2 * width, num_classes)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        x = torch.flatten(x.mean(dim=(2, 3)), 1)
        return self.head(x)


@register("resnet")
def build(cfg):
    return TinyResNet(cfg["num_classes"], cfg["channels"])


# t2j: entry=TinyResNet
def get_init_inputs():
    return [10, 3, 8]


def get_inputs():
    return [torch.randn(2, 3, 16, 16)]
