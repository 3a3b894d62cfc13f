"""A custom torch.utils.data.Dataset with a DataLoader, trained with RMSprop (momentum) and Huber loss."""

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class SineDataset(Dataset):
    def __init__(self, n=512):
        self.x = torch.rand(n, 1) * 6 - 3
        self.y = torch.sin(self.x) + 0.05 * torch.randn(n, 1)

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def main():
    torch.manual_seed(0)
    loader = DataLoader(SineDataset(), batch_size=64, shuffle=True)
    model = nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))
    optimizer = torch.optim.RMSprop(model.parameters(), lr=3e-3, momentum=0.5)
    criterion = nn.HuberLoss(delta=0.5)
    for epoch in range(4):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
