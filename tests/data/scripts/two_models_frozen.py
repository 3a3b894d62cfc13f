# Two models under one optimizer (itertools.chain), the encoder's first layer frozen, a parameter count.
import itertools

import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.randn(32, 4)
y = torch.randn(32, 2)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Linear(4, 6)
        self.proj = nn.Linear(6, 6)

    def forward(self, inputs):
        return self.proj(torch.relu(self.stem(inputs)))


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 2)

    def forward(self, z):
        return self.fc(z)


encoder, head = Encoder(), Head()
encoder.stem.requires_grad_(False)
params = itertools.chain(encoder.parameters(), head.parameters())
optimizer = torch.optim.Adam(params, lr=0.01)
for step in range(4):
    z = encoder(x)
    loss = ((head(z) - y) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("trainable:", sum(p.numel() for p in encoder.parameters() if p.requires_grad))
