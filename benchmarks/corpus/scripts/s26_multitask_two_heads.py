"""Multi-task learning: a shared trunk, a regression head and a classification head, the losses summed."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class MultiTaskNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(10, 32), nn.ReLU())
        self.reg_head = nn.Linear(32, 1)
        self.cls_head = nn.Linear(32, 3)

    def forward(self, x):
        h = self.trunk(x)
        return self.reg_head(h), self.cls_head(h)


torch.manual_seed(0)
x = torch.randn(192, 10)
y_reg = x[:, :2].sum(dim=1, keepdim=True)
y_cls = torch.randint(0, 3, (192,))

net = MultiTaskNet()
opt = torch.optim.Adam(net.parameters(), lr=5e-3)
history = {"reg": [], "cls": []}
for epoch in range(20):
    opt.zero_grad()
    pred_reg, logits = net(x)
    loss_reg = F.mse_loss(pred_reg, y_reg)
    loss_cls = F.cross_entropy(logits, y_cls)
    loss = loss_reg + 0.5 * loss_cls
    loss.backward()
    opt.step()
    history["reg"].append(loss_reg.item())
    history["cls"].append(loss_cls.item())
print("regression loss %.4f -> %.4f" % (history["reg"][0], history["reg"][-1]))
print("classification loss %.4f -> %.4f" % (history["cls"][0], history["cls"][-1]))
