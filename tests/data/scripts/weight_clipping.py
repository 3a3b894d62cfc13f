# A critic trained with RMSprop, its weights clipped in place after every step (WGAN style).
import torch
import torch.nn as nn

torch.manual_seed(0)
real = torch.randn(64, 2) + 1.0
fake = torch.randn(64, 2)

critic = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
optimizer = torch.optim.RMSprop(critic.parameters(), lr=5e-3)
clip_value = 0.05
for step in range(4):
    optimizer.zero_grad()
    loss = -(critic(real).mean() - critic(fake).mean())
    loss.backward()
    optimizer.step()
    for p in critic.parameters():
        p.data.clamp_(-clip_value, clip_value)
    print(f"step {step}: critic loss {loss.item():.4f}")
