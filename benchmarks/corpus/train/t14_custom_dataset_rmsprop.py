"""A custom torch.utils.data.Dataset served by a DataLoader (in order), trained with RMSprop (momentum)
and Huber loss on a noisy sine."""

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class SineDataset(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def make_models():
    """The freshly initialized regressor that train() trains."""
    return nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))


def make_data():
    """Points in [-3, 3) and their noisy sines, drawn from torch's RNG."""
    x = torch.rand(512, 1) * 6 - 3
    y = torch.sin(x) + 0.05 * torch.randn(512, 1)
    return x, y


def train(model, x, y):
    """Three epochs of eight RMSprop steps over the dataset; return the loss of every optimizer step."""
    loader = DataLoader(SineDataset(x, y), batch_size=64, shuffle=False)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=3e-3, momentum=0.5)
    criterion = nn.HuberLoss(delta=0.5)
    losses = []
    for epoch in range(3):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
