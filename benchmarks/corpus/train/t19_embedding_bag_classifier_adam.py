"""Bag-of-embeddings text classifier (Embedding with padding_idx, masked mean over tokens) with Adam and
label smoothing; each epoch's shuffled order is drawn up front (torch.randperm) and the permuted tensors
are batched by a TensorDataset/DataLoader."""

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class BagClassifier(nn.Module):
    def __init__(self, vocab=300, dim=32, classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim, padding_idx=0)
        self.fc = nn.Linear(dim, classes)

    def forward(self, tokens):
        mask = (tokens != 0).float().unsqueeze(-1)
        pooled = (self.embedding(tokens) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.fc(pooled)


def make_models():
    """The freshly initialized classifier that train() trains."""
    return BagClassifier()


def make_data():
    """Token sequences, their labels (first token mod 4) and one row order per epoch, from torch's RNG."""
    tokens = torch.randint(0, 300, (256, 16))
    labels = tokens[:, 0] % 4
    orders = torch.stack([torch.randperm(256) for _ in range(3)])
    return tokens, labels, orders


def train(model, tokens, labels, orders):
    """One epoch per row of `orders`, each of eight Adam steps over the data in that order;
    return the loss of every optimizer step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    losses = []
    for epoch in range(orders.shape[0]):
        order = orders[epoch]
        loader = DataLoader(TensorDataset(tokens[order], labels[order]), batch_size=32, shuffle=False)
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
