# A minimal GAN learning a 1-D Gaussian: generator and discriminator, one Adam each, alternating updates.
import torch
import torch.nn as nn

torch.manual_seed(0)

latent_dim = 4
batch_size = 64


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(latent_dim, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, z):
        return self.model(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(1, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1), nn.Sigmoid())

    def forward(self, x):
        return self.model(x)


G = Generator()
D = Discriminator()
adversarial_loss = nn.BCELoss()
optimizer_G = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
optimizer_D = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))

for i in range(40):
    real = torch.randn(batch_size, 1) * 0.5 + 3.0
    valid = torch.ones(batch_size, 1)
    fake = torch.zeros(batch_size, 1)

    # train the generator
    optimizer_G.zero_grad()
    z = torch.randn(batch_size, latent_dim)
    gen_samples = G(z)
    g_loss = adversarial_loss(D(gen_samples), valid)
    g_loss.backward()
    optimizer_G.step()

    # train the discriminator
    optimizer_D.zero_grad()
    real_loss = adversarial_loss(D(real), valid)
    fake_loss = adversarial_loss(D(gen_samples.detach()), fake)
    d_loss = (real_loss + fake_loss) / 2
    d_loss.backward()
    optimizer_D.step()

    if i % 10 == 0:
        print(f"[{i}] D loss: {d_loss.item():.4f} G loss: {g_loss.item():.4f}")

print("mean of generated samples:", G(torch.randn(256, latent_dim)).mean().item())
