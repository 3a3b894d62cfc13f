# Character-level LSTM language model with truncated backpropagation through time (hidden state detached).
import torch
import torch.nn as nn

torch.manual_seed(0)

text = "hello world, this is a tiny corpus for a tiny language model. " * 8
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
vocab_size = len(chars)


class CharRNN(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_dim=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True)
        self.head = nn.Linear(hidden_dim, vocab_size)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


model = CharRNN(vocab_size)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()

seq_len, batch = 16, 4
stream = data[: (len(data) // batch) * batch].view(batch, -1)
for epoch in range(2):
    state = None
    for i in range(0, stream.size(1) - seq_len - 1, seq_len):
        inputs = stream[:, i:i + seq_len]
        targets = stream[:, i + 1:i + seq_len + 1]
        if state is not None:
            state = tuple(s.detach() for s in state)
        logits, state = model(inputs, state)
        loss = criterion(logits.reshape(-1, vocab_size), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.3f} perplexity {torch.exp(loss).item():.2f}")
