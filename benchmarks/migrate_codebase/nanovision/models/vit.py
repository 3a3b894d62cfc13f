import torch
import torch.nn as nn

from nanovision.layers.attention import SelfAttention
from nanovision.layers.embeddings import PatchEmbed
from nanovision.layers.mlp import MLP
from nanovision.registry import register


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio=2):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = SelfAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = MLP(dim, dim * mlp_ratio)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, image_size=32, patch_size=8, channels=3, dim=64, depth=2, heads=4, num_classes=10):
        super().__init__()
        self.patch = PatchEmbed(channels, dim, patch_size)
        n = (image_size // patch_size) ** 2
        self.pos = nn.Parameter(torch.zeros(1, n, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        x = self.patch(x) + self.pos
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x).mean(dim=1))


@register("vit")
def build(cfg):
    return ViT(cfg["image_size"], cfg["patch_size"], cfg["channels"], cfg["dim"], cfg["depth"], cfg["heads"],
               cfg["num_classes"])


# t2j: entry=ViT
def get_init_inputs():
    return [16, 4, 3, 32, 2, 4, 10]


def get_inputs():
    return [torch.randn(2, 3, 16, 16)]
