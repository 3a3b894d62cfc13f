"""A dense autoencoder with separate encoder/decoder attributes; reconstruction error on held-out data."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class AutoEncoder(nn.Module):
    def __init__(self, input_dim=24, code_dim=4):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, 12), nn.ReLU(True), nn.Linear(12, code_dim))
        self.decoder = nn.Sequential(nn.Linear(code_dim, 12), nn.ReLU(True), nn.Linear(12, input_dim))

    def forward(self, x):
        return self.decoder(self.encoder(x))


if __name__ == "__main__":
    torch.manual_seed(0)
    latent = torch.randn(400, 4)
    data = torch.tanh(latent @ torch.randn(4, 24))
    train_loader = DataLoader(TensorDataset(data[:320]), batch_size=40, shuffle=True)
    model = AutoEncoder()
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-5)
    num_epochs = 5
    for epoch in range(num_epochs):
        for (batch,) in train_loader:
            output = model(batch)
            loss = criterion(output, batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print("epoch [{}/{}], loss:{:.4f}".format(epoch + 1, num_epochs, loss.item()))
    model.eval()
    with torch.no_grad():
        test_loss = criterion(model(data[320:]), data[320:])
    print(f"test reconstruction MSE {test_loss.item():.4f}")
