"""Training with a validation split, ReduceLROnPlateau and early stopping on the validation loss."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    torch.manual_seed(0)
    x = torch.randn(400, 12)
    y = torch.sin(x[:, :3]).sum(dim=1, keepdim=True)
    x_train, y_train, x_val, y_val = x[:320], y[:320], x[320:], y[320:]
    model = nn.Sequential(nn.Linear(12, 48), nn.GELU(), nn.Linear(48, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
    best, best_state, patience = float("inf"), None, 0
    for epoch in range(40):
        model.train()
        optimizer.zero_grad()
        loss = F.mse_loss(model(x_train), y_train)
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.no_grad():
            val = F.mse_loss(model(x_val), y_val).item()
        scheduler.step(val)
        if val < best - 1e-4:
            best, best_state, patience = val, copy.deepcopy(model.state_dict()), 0
        else:
            patience += 1
            if patience >= 5:
                break
    model.load_state_dict(best_state)
    print(f"stopped at epoch {epoch} train loss {loss.item():.4f} best val loss {best:.4f}")


if __name__ == "__main__":
    main()
