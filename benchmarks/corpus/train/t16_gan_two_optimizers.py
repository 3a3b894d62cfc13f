"""A tiny GAN: generator and discriminator (nn.Sequential, LeakyReLU) with separate Adam optimizers and
alternating updates; the latent vectors of every step are drawn up front."""

import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS = 40


def make_models():
    """The freshly initialized (generator, discriminator) pair that train() trains."""
    generator = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 2))
    discriminator = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
    return generator, discriminator


def make_data():
    """Real samples from a shifted Gaussian and the latent batch of every step, drawn from torch's RNG."""
    real = torch.randn(128, 2) * 0.5 + torch.tensor([2.0, -1.0])
    latents = torch.randn(STEPS, 128, 8)
    return real, latents


def train(generator, discriminator, real, latents):
    """STEPS rounds of one discriminator step then one generator step; return d_loss and g_loss of every
    round (two floats a round, in that order)."""
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    ones, zeros = torch.ones(128, 1), torch.zeros(128, 1)
    losses = []
    for step in range(STEPS):
        fake = generator(latents[step])
        opt_d.zero_grad()
        d_loss = F.binary_cross_entropy_with_logits(discriminator(real), ones) + \
            F.binary_cross_entropy_with_logits(discriminator(fake.detach()), zeros)
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad()
        g_loss = F.binary_cross_entropy_with_logits(discriminator(fake), ones)
        g_loss.backward()
        opt_g.step()
        losses.append(d_loss.item())
        losses.append(g_loss.item())
    return losses


def main():
    torch.manual_seed(0)
    generator, discriminator = make_models()
    losses = train(generator, discriminator, *make_data())
    print(f"final d loss {losses[-2]:.4f} g loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
