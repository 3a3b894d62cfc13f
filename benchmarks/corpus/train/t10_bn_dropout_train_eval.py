"""MLP with BatchNorm1d (momentum 0.2) and Dropout: model.train() for each epoch of mini-batch Adam,
model.eval() plus torch.no_grad() for the validation loss after it."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(32, 128, bias=False)  # BatchNorm would cancel a bias (zero gradient)
        self.bn1 = nn.BatchNorm1d(128, momentum=0.2)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(128, 5)

    def forward(self, x):
        return self.fc2(self.drop(F.relu(self.bn1(self.fc1(x)))))


def make_models():
    """The freshly initialized network that train() trains."""
    return Net()


def make_data():
    """Training and validation features with random five-class labels, drawn from torch's RNG."""
    x_train, y_train = torch.randn(256, 32), torch.randint(0, 5, (256,))
    x_val, y_val = torch.randn(64, 32), torch.randint(0, 5, (64,))
    return x_train, y_train, x_val, y_val


def train(model, x_train, y_train, x_val, y_val):
    """Three epochs of eight Adam steps in train mode, each followed by a validation pass in eval mode
    (running BatchNorm statistics); return the loss of every optimizer step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for epoch in range(3):
        model.train()
        for i in range(0, 256, 32):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_train[i : i + 32]), y_train[i : i + 32])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            val_loss = F.cross_entropy(model(x_val), y_val).item()
        print(f"epoch {epoch} train loss {loss.item():.4f} val loss {val_loss:.4f}")
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
