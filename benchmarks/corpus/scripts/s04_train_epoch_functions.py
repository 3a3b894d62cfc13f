"""The train_epoch / evaluate split most projects use, with argmax accuracy on a held-out set."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class Classifier(nn.Module):
    def __init__(self, n_features, n_classes):
        super().__init__()
        self.hidden = nn.Linear(n_features, 64)
        self.out = nn.Linear(64, n_classes)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.out(self.act(self.hidden(x)))


def train_epoch(model, loader, optimizer, criterion):
    model.train()
    total_loss = 0.0
    for inputs, targets in loader:
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(loader)


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            preds = model(inputs).argmax(dim=1)
            correct += (preds == targets).sum().item()
            total += targets.size(0)
    return correct / total


def get_data():
    x = torch.randn(600, 10)
    w = torch.randn(10, 4)
    y = (x @ w).argmax(dim=1)
    return TensorDataset(x[:500], y[:500]), TensorDataset(x[500:], y[500:])


if __name__ == "__main__":
    torch.manual_seed(42)
    train_set, test_set = get_data()
    train_loader = DataLoader(train_set, batch_size=50, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=100)
    model = Classifier(10, 4)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(4):
        train_loss = train_epoch(model, train_loader, optimizer, criterion)
        acc = evaluate(model, test_loader)
        print(f"Epoch {epoch}: loss={train_loss:.4f} test_acc={acc:.3f}")
