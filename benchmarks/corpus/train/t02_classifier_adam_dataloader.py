"""Train a classifier (nn.Sequential) with Adam over a TensorDataset/DataLoader (in order) for two epochs;
accuracy under torch.no_grad() in eval mode."""

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def make_models():
    """The freshly initialized classifier that train() trains."""
    return nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 3))


def make_data():
    """Features and three-class labels derived from them, drawn from torch's RNG."""
    x = torch.randn(512, 32)
    y = (x[:, 0] + x[:, 1] > 0).long() + (x[:, 2] > 1).long()
    return x, y


def train(model, x, y):
    """Two epochs of mini-batch Adam (batches in order); return the loss of every optimizer step."""
    loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=False)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    losses = []
    for epoch in range(2):
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            total += loss.item() * xb.shape[0]
        print(f"epoch {epoch} loss {total / len(loader.dataset):.4f}")
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    x, y = make_data()
    losses = train(model, x, y)
    model.eval()
    with torch.no_grad():
        accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f} accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
