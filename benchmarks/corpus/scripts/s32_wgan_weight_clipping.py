"""A WGAN with weight clipping: the critic trained n_critic times per generator step with RMSprop, its
weights clamped in place after every step."""
import torch
import torch.nn as nn


def build_generator(z_dim):
    return nn.Sequential(nn.Linear(z_dim, 32), nn.ReLU(), nn.Linear(32, 2))


def build_critic():
    return nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))


def sample_real(n):
    theta = torch.rand(n) * 6.283
    return torch.stack([torch.cos(theta), torch.sin(theta)], dim=1)


def main(steps=20, n_critic=3, clip_value=0.05, z_dim=4, batch_size=64):
    torch.manual_seed(0)
    netG = build_generator(z_dim)
    netD = build_critic()
    optD = torch.optim.RMSprop(netD.parameters(), lr=5e-4)
    optG = torch.optim.RMSprop(netG.parameters(), lr=5e-4)
    for step in range(steps):
        for _ in range(n_critic):
            real = sample_real(batch_size)
            noise = torch.randn(batch_size, z_dim)
            fake = netG(noise).detach()
            optD.zero_grad()
            lossD = -(netD(real).mean() - netD(fake).mean())
            lossD.backward()
            optD.step()
            for p in netD.parameters():
                p.data.clamp_(-clip_value, clip_value)
        optG.zero_grad()
        lossG = -netD(netG(torch.randn(batch_size, z_dim))).mean()
        lossG.backward()
        optG.step()
        if step % 5 == 0:
            print(f"step {step}: loss_D {lossD.item():.4f} loss_G {lossG.item():.4f}")


if __name__ == "__main__":
    main()
