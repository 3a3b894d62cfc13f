# A small classifier on two moons-like blobs; zero_grad first, accuracy printed every few epochs.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)

n = 200
x0 = torch.randn(n, 2) + torch.tensor([1.5, 1.5])
x1 = torch.randn(n, 2) - torch.tensor([1.5, 1.5])
inputs = torch.cat([x0, x1])
labels = torch.cat([torch.zeros(n, dtype=torch.long), torch.ones(n, dtype=torch.long)])


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(2, 16)
        self.fc2 = nn.Linear(16, 16)
        self.fc3 = nn.Linear(16, 2)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)

for epoch in range(30):
    optimizer.zero_grad()
    outputs = net(inputs)
    loss = criterion(outputs, labels)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 9:
        _, predicted = torch.max(outputs, 1)
        correct = (predicted == labels).sum().item()
        print("epoch %d loss %.3f accuracy %.2f" % (epoch + 1, loss.item(), correct / len(labels)))

print("Finished Training")
