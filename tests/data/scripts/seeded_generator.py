# Data drawn from a seeded torch.Generator (its own stream, apart from the global seed), batches by slicing.
import torch
import torch.nn as nn

g = torch.Generator().manual_seed(123)
x = torch.rand(48, 3, generator=g) * 2 - 1
y = (x**2).sum(dim=1, keepdim=True) + 0.1 * torch.randn(48, 1, generator=g)

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(3):
    for i in range(0, 48, 16):
        optimizer.zero_grad()
        loss = ((model(x[i : i + 16]) - y[i : i + 16]) ** 2).mean()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: loss {loss.item():.4f}")
