"""Text classification with nn.EmbeddingBag-style mean pooling over padded token ids."""
import torch
import torch.nn as nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text):
        mask = (text != 0).float().unsqueeze(-1)
        embedded = (self.embedding(text) * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.fc(embedded)


def train(dataloader, model, optimizer, criterion):
    model.train()
    total_acc, total_count = 0, 0
    for text, label in dataloader:
        optimizer.zero_grad()
        predicted_label = model(text)
        loss = criterion(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total_acc += (predicted_label.argmax(1) == label).sum().item()
        total_count += label.size(0)
    return total_acc / total_count


if __name__ == "__main__":
    torch.manual_seed(0)
    tokens = torch.randint(1, 50, (160, 12))
    tokens[:, 8:] = 0
    labels = (tokens[:, 0] > 25).long()
    batches = [(tokens[i:i + 16], labels[i:i + 16]) for i in range(0, 160, 16)]
    model = TextClassifier(50, 16, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=5.0)
    criterion = torch.nn.CrossEntropyLoss()
    for epoch in range(1, 4):
        accuracy = train(batches, model, optimizer, criterion)
        print(f"| epoch {epoch:3d} | accuracy {accuracy:8.3f}")
