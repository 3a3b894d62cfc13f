# Linear regression, tutorial style: top-level code, forward and loss before zero_grad.
import torch
import torch.nn as nn

torch.manual_seed(0)

X = torch.randn(100, 3)
true_w = torch.tensor([[2.0], [-3.4], [1.5]])
y = X @ true_w + 4.2 + 0.01 * torch.randn(100, 1)


class LinearRegression(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x):
        return self.linear(x)


model = LinearRegression(3)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)

epochs = 60
for epoch in range(epochs):
    predictions = model(X)
    loss = criterion(predictions, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 20 == 0:
        print(f"Epoch [{epoch + 1}/{epochs}], Loss: {loss.item():.4f}")

[w, b] = model.linear.parameters()
print("learned weight:", w.detach().numpy().round(2), "bias:", round(b.item(), 2))
