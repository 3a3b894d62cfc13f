# A step-budgeted loop (while step < max_steps) cycling over a DataLoader, logging every few steps.
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
features = torch.randn(120, 6)
targets = features @ torch.randn(6, 2)
loader = DataLoader(TensorDataset(features, targets), batch_size=24, shuffle=True)

model = nn.Sequential(nn.Linear(6, 16), nn.SiLU(), nn.Linear(16, 2))
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9)
max_steps = 30
step = 0
while step < max_steps:
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
        step += 1
        if step % 10 == 0:
            print(f"step {step}: loss {loss.item():.4f}")
        if step >= max_steps:
            break
