# Gradient accumulation as tutorials write it: the loss divided by the number of micro-batches, the optimizer
# stepped (and the gradients cleared) every `accumulation_steps` batches inside the loop.
import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.randn(64, 4)
y = x @ torch.randn(4, 1)
model = nn.Linear(4, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
accumulation_steps = 4
optimizer.zero_grad()
for i in range(16):
    xb, yb = x[i * 4 : i * 4 + 4], y[i * 4 : i * 4 + 4]
    loss = ((model(xb) - yb) ** 2).mean() / accumulation_steps
    loss.backward()
    if (i + 1) % accumulation_steps == 0:
        optimizer.step()
        optimizer.zero_grad()
print(f"last micro-batch loss {loss.item():.5f}")
