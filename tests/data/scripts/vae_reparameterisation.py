# A VAE: the reparameterisation noise is drawn inside forward (torch.randn_like), which two generators cannot
# share: the recording checker replaces normal draws inside the models' forward by their mean on both sides.
import torch
import torch.nn as nn
import torch.nn.functional as F


class VAE(nn.Module):
    def __init__(self, dim=8, latent=2):
        super().__init__()
        self.enc = nn.Linear(dim, 2 * latent)
        self.dec = nn.Linear(latent, dim)

    def forward(self, x):
        mu, logvar = self.enc(x).chunk(2, dim=-1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.dec(z)), mu, logvar


torch.manual_seed(0)
data = torch.rand(48, 8)
model = VAE()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
for i in range(0, 48, 16):
    x = data[i : i + 16]
    optimizer.zero_grad()
    recon, mu, logvar = model(x)
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    loss = F.binary_cross_entropy(recon, x, reduction="sum") + kld
    loss.backward()
    optimizer.step()
print(f"last loss {loss.item():.4f}")
