"""Train, save the state_dict with torch.save, load it into a fresh model and check its predictions."""
import os
import tempfile

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(5, 20)
        self.fc2 = nn.Linear(20, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


torch.manual_seed(0)
x = torch.randn(200, 5)
y = (x[:, 0] * x[:, 1] > 0).long()

model = Net()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()
for epoch in range(25):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
print(f"final training loss {loss.item():.4f}")

checkpoint_dir = tempfile.mkdtemp()
path = os.path.join(checkpoint_dir, "model.pt")
torch.save(model.state_dict(), path)

restored = Net()
restored.load_state_dict(torch.load(path))
restored.eval()
with torch.no_grad():
    same = torch.allclose(restored(x), model(x))
    accuracy = (restored(x).argmax(1) == y).float().mean()
print("restored model matches:", same, "accuracy:", round(accuracy.item(), 3))
