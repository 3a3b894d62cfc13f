"""Training with a validation split, ReduceLROnPlateau on the validation loss and early stopping that
restores the best weights (copy.deepcopy of the state dict, load_state_dict)."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_models():
    """The freshly initialized regressor (nn.Sequential with exact GELU) that train() trains."""
    return nn.Sequential(nn.Linear(12, 48), nn.GELU(), nn.Linear(48, 1))


def make_data():
    """Training and validation splits of a smooth target, drawn from torch's RNG."""
    x = torch.randn(400, 12)
    y = torch.sin(x[:, :3]).sum(dim=1, keepdim=True)
    return x[:320], y[:320], x[320:], y[320:]


def train(model, x_train, y_train, x_val, y_val):
    """Up to 40 full-batch Adam epochs, each followed by a validation pass (eval mode, no_grad) that drives
    the LR plateau schedule and early stopping; the best weights are restored at the end.
    Return the training loss of every optimizer step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
    best, best_state, patience = float("inf"), None, 0
    losses = []
    for epoch in range(40):
        model.train()
        optimizer.zero_grad()
        loss = F.mse_loss(model(x_train), y_train)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
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
    print(f"stopped at epoch {epoch} best val loss {best:.4f}")
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
