"""VAE encoder/decoder; eval mode uses the mean (no sampling), training samples with randn_like."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(256, 128)
        self.fc_mu = nn.Linear(128, 16)
        self.fc_logvar = nn.Linear(128, 16)
        self.fc2 = nn.Linear(16, 128)
        self.fc3 = nn.Linear(128, 256)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc_mu(h), self.fc_logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        recon = torch.sigmoid(self.fc3(F.relu(self.fc2(z))))
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return recon, kld


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 256)]
