"""ReduceLROnPlateau stepped with the validation loss after each epoch."""
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import ReduceLROnPlateau

torch.manual_seed(0)
x = torch.randn(200, 3)
y = x[:, :1] ** 2 + x[:, 1:2]
x_val, y_val = torch.randn(50, 3), None
y_val = x_val[:, :1] ** 2 + x_val[:, 1:2]

model = nn.Sequential(nn.Linear(3, 24), nn.ReLU(), nn.Linear(24, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
scheduler = ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)
criterion = nn.MSELoss()

for epoch in range(8):
    model.train()
    for i in range(0, 200, 40):
        optimizer.zero_grad()
        loss = criterion(model(x[i:i + 40]), y[i:i + 40])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_loss = criterion(model(x_val), y_val)
    scheduler.step(val_loss)
    print(f"epoch {epoch}: train {loss.item():.4f} val {val_loss.item():.4f} lr {optimizer.param_groups[0]['lr']}")
