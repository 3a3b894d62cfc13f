"""Variational autoencoder with the reparameterisation trick, trained with Adam on a summed BCE + KL loss;
the Gaussian noise of every step is drawn up front and passed to forward."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(64, 32)
        self.mu = nn.Linear(32, 4)
        self.logvar = nn.Linear(32, 4)
        self.dec1 = nn.Linear(4, 32)
        self.dec2 = nn.Linear(32, 64)

    def forward(self, x, eps):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + eps * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.dec2(F.relu(self.dec1(z)))), mu, logvar


STEPS = 30


def make_models():
    """The freshly initialized VAE that train() trains."""
    return VAE()


def make_data():
    """Data in [0, 1) and the reparameterisation noise of every step, drawn from torch's RNG."""
    data = torch.rand(256, 64)
    eps = torch.randn(STEPS, 256, 4)
    return data, eps


def train(model, data, eps):
    """STEPS full-batch Adam steps on the negative ELBO per sample; return the loss of every optimizer step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for step in range(STEPS):
        optimizer.zero_grad()
        recon, mu, logvar = model(data, eps[step])
        bce = F.binary_cross_entropy(recon, data, reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        loss = (bce + kld) / data.shape[0]
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
