# Old-style manual update through .data and .grad.data, zeroing each gradient by hand.
import torch

torch.manual_seed(0)

N, D_in, H, D_out = 64, 20, 30, 5
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)
loss_fn = torch.nn.MSELoss(reduction="sum")
learning_rate = 1e-3

for t in range(100):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    if t % 25 == 24:
        print(t, loss.item())
    loss.backward()
    for param in model.parameters():
        param.data -= learning_rate * param.grad.data
        param.grad.data.zero_()
