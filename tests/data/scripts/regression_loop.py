# A tutorial-style script: top-level code, a model class, the forward and loss before zero_grad, mini-batches.
import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.randn(64, 4)
y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1


class Regressor(nn.Module):
    def __init__(self, n_in, n_hidden):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.out = nn.Linear(n_hidden, 1)

    def forward(self, inputs):
        return self.out(torch.tanh(self.hidden(inputs)))


model = Regressor(4, 8)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.MSELoss()
for epoch in range(3):
    for i in range(0, 64, 16):
        xb, yb = x[i : i + 16], y[i : i + 16]
        prediction = model(xb)
        loss = criterion(prediction, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")
