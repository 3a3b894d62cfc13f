"""A GRU sequence classifier trained with gradient-norm clipping (the RNN recipe)."""
import torch
import torch.nn as nn


class SeqClassifier(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.rnn = nn.GRU(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.fc(h[-1])


def main():
    torch.manual_seed(0)
    x = torch.randn(128, 12, 3)
    y = (x[:, :, 0].sum(dim=1) > 0).long()
    model = SeqClassifier(3, 24, 2)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=5e-3)
    criterion = nn.CrossEntropyLoss()
    clip = 0.5
    for epoch in range(4):
        perm = torch.randperm(128)
        for i in range(0, 128, 32):
            idx = perm[i:i + 32]
            optimizer.zero_grad()
            loss = criterion(model(x[idx]), y[idx])
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
        print(f"epoch {epoch + 1} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
