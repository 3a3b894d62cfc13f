"""Train an LSTM sequence classifier (Embedding + LSTM, batch_first) with RMSprop and gradient clipping."""

import torch
import torch.nn as nn


class LSTMClassifier(nn.Module):
    def __init__(self, vocab=100, emb=32, hidden=64, classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, tokens):
        _, (h, _) = self.lstm(self.embedding(tokens))
        return self.head(h[-1])


def make_models():
    """The freshly initialized classifier that train() trains."""
    return LSTMClassifier()


def make_data():
    """Token sequences and labels (is the first token above 50), drawn from torch's RNG."""
    tokens = torch.randint(0, 100, (128, 20))
    labels = (tokens[:, 0] > 50).long()
    return tokens, labels


def train(model, tokens, labels):
    """30 RMSprop steps over four fixed mini-batches in turn, gradients clipped to norm 1;
    return the loss of every optimizer step."""
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9)
    criterion = nn.CrossEntropyLoss()
    losses = []
    for step in range(30):
        batch = slice((step % 4) * 32, (step % 4 + 1) * 32)
        optimizer.zero_grad()
        loss = criterion(model(tokens[batch]), labels[batch])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
