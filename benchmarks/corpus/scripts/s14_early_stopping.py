"""Early stopping on validation loss; the best weights are kept with copy.deepcopy(state_dict())."""
import copy

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, d_in, d_hidden):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.dropout = nn.Dropout(0.1)
        self.fc2 = nn.Linear(d_hidden, 1)

    def forward(self, x):
        return self.fc2(self.dropout(torch.relu(self.fc1(x))))


def train(model, optimizer, criterion, x_train, y_train, x_val, y_val, max_epochs=50, patience=3):
    best_loss = float("inf")
    best_state = None
    epochs_without_improvement = 0
    for epoch in range(max_epochs):
        model.train()
        optimizer.zero_grad()
        loss = criterion(model(x_train), y_train)
        loss.backward()
        optimizer.step()

        model.eval()
        with torch.no_grad():
            val_loss = criterion(model(x_val), y_val).item()
        if val_loss < best_loss - 1e-4:
            best_loss = val_loss
            best_state = copy.deepcopy(model.state_dict())
            epochs_without_improvement = 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement >= patience:
                print(f"early stopping at epoch {epoch}")
                break
    model.load_state_dict(best_state)
    return best_loss


if __name__ == "__main__":
    torch.manual_seed(0)
    x = torch.randn(300, 6)
    y = (x[:, :1] * 2 - x[:, 1:2]) + 0.3 * torch.randn(300, 1)
    model = Model(6, 16)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    best = train(model, optimizer, nn.MSELoss(), x[:240], y[:240], x[240:], y[240:])
    print(f"best validation loss {best:.4f}")
