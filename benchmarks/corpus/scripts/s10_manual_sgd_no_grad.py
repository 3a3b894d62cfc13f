# Gradient descent written by hand: update the parameters under torch.no_grad(), then zero the gradients.
import torch
import torch.nn as nn

torch.manual_seed(0)

x = torch.linspace(-2, 2, 128).unsqueeze(1)
y = x ** 3 - x + 0.1 * torch.randn_like(x)

model = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 1))
loss_fn = nn.MSELoss()
learning_rate = 0.05

for t in range(200):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    if t % 50 == 49:
        print(t, loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
