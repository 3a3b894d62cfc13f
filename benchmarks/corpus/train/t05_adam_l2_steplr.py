"""Adam with L2 weight decay (added to the gradient, torch semantics) and a StepLR schedule."""

import torch
import torch.nn as nn


def main():
    torch.manual_seed(0)
    w_true = torch.randn(20, 1)
    x = torch.randn(400, 20)
    y = x @ w_true + 0.05 * torch.randn(400, 1)
    model = nn.Linear(20, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=1e-3)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    for step in range(40):
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        scheduler.step()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.5f}")
    print(f"final loss {loss.item():.5f} weight error {(model.weight.t() - w_true).abs().max().item():.4f}")


if __name__ == "__main__":
    main()
