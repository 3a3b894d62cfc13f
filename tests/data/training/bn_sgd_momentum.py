"""BatchNorm in train mode (momentum 0.2, running statistics updated every step) with SGD + momentum and a
StepLR schedule; evaluation in eval mode between epochs."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 32, bias=False)
        self.bn = nn.BatchNorm1d(32, momentum=0.2)
        self.fc2 = nn.Linear(32, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


def make_models():
    return Net()


def make_data():
    x = torch.randn(96, 12)
    y = torch.randint(0, 3, (96,))
    return x, y


def train(model, x, y):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    losses = []
    for epoch in range(3):
        model.train()
        for i in range(0, 96, 32):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x[i : i + 32]), y[i : i + 32])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        model.eval()
        with torch.no_grad():
            losses.append(F.cross_entropy(model(x), y).item())
    return losses
