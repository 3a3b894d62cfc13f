"""Train a fully connected autoencoder with Adam on a low-rank synthetic dataset, shuffled every epoch
with permutations drawn up front (torch.randperm) and plain-tensor mini-batches."""

import torch
import torch.nn as nn


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 8))
        self.decoder = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 64))

    def forward(self, x):
        return self.decoder(self.encoder(x))


EPOCHS = 3


def make_models():
    """The freshly initialized autoencoder that train() trains."""
    return AutoEncoder()


def make_data():
    """Rank-8 data in 64 dimensions and one row order per epoch, drawn from torch's RNG."""
    data = torch.randn(512, 8) @ torch.randn(8, 64)
    orders = torch.stack([torch.randperm(512) for _ in range(EPOCHS)])
    return data, orders


def train(model, data, orders):
    """EPOCHS epochs of mini-batch Adam, each over the data in its own shuffled order;
    return the loss of every optimizer step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    losses = []
    for epoch in range(EPOCHS):
        shuffled = data[orders[epoch]]
        for start in range(0, shuffled.shape[0], 128):
            batch = shuffled[start : start + 128]
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(batch), batch)
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
