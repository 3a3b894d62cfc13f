# An LSTM trained on consecutive windows, its hidden state carried from one batch to the next and detached
# (truncated backpropagation through time).
import torch
import torch.nn as nn

torch.manual_seed(0)
series = torch.sin(torch.linspace(0, 12, 97)).view(1, -1, 1)


class Tracker(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 8, batch_first=True)
        self.out = nn.Linear(8, 1)

    def forward(self, x, hidden=None):
        y, hidden = self.lstm(x, hidden)
        return self.out(y), hidden


model = Tracker()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
hidden = None
for start in range(0, 80, 16):
    window = series[:, start : start + 16]
    target = series[:, start + 1 : start + 17]
    if hidden is not None:
        hidden = tuple(h.detach() for h in hidden)
    prediction, hidden = model(window, hidden)
    loss = ((prediction - target) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"last loss {loss.item():.5f}")
