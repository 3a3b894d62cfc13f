# BatchNorm in training mode: each forward updates the running statistics (buffers, not parameters), so the
# replay must start from the buffers as they were before the first step's forward.
import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.randn(64, 6) * 3.0 + 1.0
y = (x[:, :1] - x[:, 1:2]).tanh()

model = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for i in range(0, 64, 16):
    prediction = model(x[i : i + 16])
    loss = ((prediction - y[i : i + 16]) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"last loss {loss.item():.4f}")
