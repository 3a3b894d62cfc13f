import torch
import torch.nn as nn

from nanovision.registry import register


class MixerBlock(nn.Module):
    def __init__(self, tokens, dim, token_hidden, channel_hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.token_mlp = nn.Sequential(nn.Linear(tokens, token_hidden), nn.GELU(), nn.Linear(token_hidden, tokens))
        self.norm2 = nn.LayerNorm(dim)
        self.channel_mlp = nn.Sequential(nn.Linear(dim, channel_hidden), nn.GELU(), nn.Linear(channel_hidden, dim))

    def forward(self, x):
        y = self.norm1(x).transpose(1, 2)
        x = x + self.token_mlp(y).transpose(1, 2)
        return x + self.channel_mlp(self.norm2(x))


class MLPMixer(nn.Module):
    def __init__(self, image_size=16, patch_size=4, channels=3, dim=32, depth=2, num_classes=10):
        super().__init__()
        tokens = (image_size // patch_size) ** 2
        self.stem = nn.Conv2d(channels, dim, patch_size, stride=patch_size)
        self.blocks = nn.Sequential(*[MixerBlock(tokens, dim, 2 * tokens, 2 * dim) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        x = self.stem(x).flatten(2).transpose(1, 2)
        x = self.norm(self.blocks(x))
        return self.head(x.mean(dim=1))


@register("mixer")
def build(cfg):
    return MLPMixer(cfg["image_size"], 4, cfg["channels"], 32, 2, cfg["num_classes"])


# t2j: entry=MLPMixer
def get_init_inputs():
    return [16, 4, 3, 32, 2, 10]


def get_inputs():
    return [torch.randn(2, 3, 16, 16)]
