"""A small Transformer encoder classifying token sequences (embedding + positional embedding + mean pooling)."""
import torch
import torch.nn as nn


class TransformerClassifier(nn.Module):
    def __init__(self, vocab_size, d_model, nhead, num_layers, num_classes, max_len=32):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Parameter(torch.zeros(1, max_len, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers)
        self.classifier = nn.Linear(d_model, num_classes)

    def forward(self, tokens):
        h = self.embedding(tokens) + self.pos[:, : tokens.size(1)]
        h = self.encoder(h)
        return self.classifier(h.mean(dim=1))


def main():
    torch.manual_seed(0)
    tokens = torch.randint(0, 20, (96, 10))
    labels = (tokens < 10).sum(dim=1).gt(5).long()
    model = TransformerClassifier(20, 32, 4, 2, 2)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(3):
        for i in range(0, 96, 32):
            optimizer.zero_grad()
            logits = model(tokens[i:i + 32])
            loss = criterion(logits, labels[i:i + 32])
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
