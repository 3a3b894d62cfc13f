"""Bag-of-embeddings text classifier (mean over tokens) with Adam and label smoothing."""

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


def main():
    torch.manual_seed(0)
    tokens = torch.randint(0, 300, (256, 16))
    labels = tokens[:, 0] % 4
    loader = DataLoader(TensorDataset(tokens, labels), batch_size=32, shuffle=True)
    model = BagClassifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    for epoch in range(3):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
