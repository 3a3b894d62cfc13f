"""A tiny GAN: generator and discriminator with separate Adam optimizers, alternating updates."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    torch.manual_seed(0)
    real = torch.randn(128, 2) * 0.5 + torch.tensor([2.0, -1.0])
    generator = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 2))
    discriminator = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    ones, zeros = torch.ones(128, 1), torch.zeros(128, 1)
    for step in range(40):
        fake = generator(torch.randn(128, 8))
        opt_d.zero_grad()
        d_loss = F.binary_cross_entropy_with_logits(discriminator(real), ones) + \
            F.binary_cross_entropy_with_logits(discriminator(fake.detach()), zeros)
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad()
        g_loss = F.binary_cross_entropy_with_logits(discriminator(fake), ones)
        g_loss.backward()
        opt_g.step()
    print(f"d loss {d_loss.item():.4f} g loss {g_loss.item():.4f}")


if __name__ == "__main__":
    main()
