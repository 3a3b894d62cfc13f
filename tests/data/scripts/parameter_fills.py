# An init method filling the model's own parameters in place (torchtext's text-classification tutorial style):
# `.data.uniform_`, `.data.zero_()`, `.data.fill_()`, `.data.normal_()`, called from __init__.
import torch
import torch.nn as nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.hidden = nn.Linear(embed_dim, embed_dim)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.hidden.weight.data.normal_(0.0, 0.02)
        self.hidden.bias.data.fill_(0.1)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text):
        mask = (text != 0).float().unsqueeze(-1)
        embedded = (self.embedding(text) * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.fc(torch.tanh(self.hidden(embedded)))


if __name__ == "__main__":
    torch.manual_seed(0)
    tokens = torch.randint(1, 50, (64, 12))
    labels = (tokens[:, 0] > 25).long()
    model = TextClassifier(50, 32, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    criterion = nn.CrossEntropyLoss()
    for i in range(0, 64, 16):
        optimizer.zero_grad()
        loss = criterion(model(tokens[i : i + 16]), labels[i : i + 16])
        loss.backward()
        optimizer.step()
    print(f"last loss {loss.item():.4f}")
