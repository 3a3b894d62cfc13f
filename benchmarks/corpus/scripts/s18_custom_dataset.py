"""A user Dataset (__len__/__getitem__) generating polynomial features, wrapped in a DataLoader."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class PolynomialDataset(Dataset):
    def __init__(self, n_samples, degree=3, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.rand(n_samples, 1, generator=g) * 4 - 2
        self.y = 0.5 * self.x ** 3 - self.x ** 2 + 2 * self.x + 1
        self.degree = degree

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        x = self.x[idx]
        features = torch.cat([x ** k for k in range(1, self.degree + 1)])
        return features, self.y[idx]


class PolyModel(nn.Module):
    def __init__(self, degree):
        super().__init__()
        self.poly = nn.Linear(degree, 1)

    def forward(self, x):
        return self.poly(x)


if __name__ == "__main__":
    torch.manual_seed(0)
    dataset = PolynomialDataset(256)
    loader = DataLoader(dataset, batch_size=32, shuffle=True)
    model = PolyModel(3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    for epoch in range(5):
        epoch_loss = 0.0
        for features, target in loader:
            pred = model(features)
            loss = criterion(pred, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: {epoch_loss / len(loader):.4f}")
    print("coefficients:", model.poly.weight.data.squeeze().tolist())
