import torch
import torch.nn as nn

from nanovision.registry import register


class AutoEncoder(nn.Module):
    def __init__(self, dim=64, latent=8):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(dim, 32), nn.Tanh(), nn.Linear(32, latent))
        self.decoder = nn.Sequential(nn.Linear(latent, 32), nn.Tanh(), nn.Linear(32, dim))

    def forward(self, x):
        return self.decoder(self.encoder(x))


@register("autoencoder")
def build(cfg):
    return AutoEncoder()


# t2j: entry=AutoEncoder
def get_init_inputs():
    return [64, 8]


def get_inputs():
    return [torch.randn(5, 64)]
