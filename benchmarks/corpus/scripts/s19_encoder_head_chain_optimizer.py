"""Two modules, one optimizer over itertools.chain of their parameters; the models are built in main()."""
import itertools

import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, d_in, d_latent):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_in, 32), nn.GELU(), nn.Linear(32, d_latent))

    def forward(self, x):
        return self.net(x)


class Head(nn.Module):
    def __init__(self, d_latent, n_out):
        super().__init__()
        self.linear = nn.Linear(d_latent, n_out)

    def forward(self, z):
        return self.linear(z)


def main():
    torch.manual_seed(7)
    x = torch.randn(256, 12)
    y = torch.randn(256, 3)
    encoder = Encoder(12, 6)
    head = Head(6, 3)
    params = itertools.chain(encoder.parameters(), head.parameters())
    optimizer = torch.optim.Adam(params, lr=3e-3)
    loss_fn = nn.SmoothL1Loss()
    for step in range(40):
        z = encoder(x)
        loss = loss_fn(head(z), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 10 == 0:
            print(step, round(loss.item(), 4))


main()
