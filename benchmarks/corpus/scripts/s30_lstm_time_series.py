"""LSTM forecasting the next value of a noisy sine wave from a window of 20 values."""
import numpy as np
import torch
import torch.nn as nn


class LSTMForecaster(nn.Module):
    def __init__(self, input_size=1, hidden_size=32, num_layers=2):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.linear(out[:, -1, :])


def create_windows(series, window):
    xs, ys = [], []
    for i in range(len(series) - window):
        xs.append(series[i:i + window])
        ys.append(series[i + window])
    return np.array(xs, dtype=np.float32), np.array(ys, dtype=np.float32)


def main():
    np.random.seed(0)
    torch.manual_seed(0)
    t = np.arange(0, 200)
    series = np.sin(t * 0.1) + 0.05 * np.random.randn(len(t))
    X, y = create_windows(series, 20)
    X = torch.from_numpy(X).unsqueeze(-1)
    y = torch.from_numpy(y).unsqueeze(-1)
    model = LSTMForecaster()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    for epoch in range(6):
        for i in range(0, len(X), 60):
            optimizer.zero_grad()
            loss = criterion(model(X[i:i + 60]), y[i:i + 60])
            loss.backward()
            optimizer.step()
        print(f"Epoch {epoch + 1}, Loss: {loss.item():.5f}")


if __name__ == "__main__":
    main()
