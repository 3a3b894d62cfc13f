# Adam on a conv whose bias feeds a BatchNorm: that bias's exact gradient is zero, so its float32 gradient is
# rounding noise, which Adam turns into steps of size lr (different noise in torch and JAX): the replay must
# judge it against torch's own float32 noise floor, measured by a second torch run from nudged weights.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(32, 2, 8, 8)
y = torch.randint(0, 3, (32,))
model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for i in range(0, 32, 8):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x[i : i + 8]), y[i : i + 8])
    loss.backward()
    optimizer.step()
print(f"last loss {loss.item():.4f}")
