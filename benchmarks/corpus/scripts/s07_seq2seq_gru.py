"""Seq2seq with GRU encoder and decoder (teacher forcing) learning to reverse short digit sequences;
the two models share one optimizer."""
import torch
import torch.nn as nn

VOCAB = 10
HIDDEN = 32
SEQ_LEN = 5


class Encoder(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)

    def forward(self, src):
        embedded = self.embedding(src)
        outputs, hidden = self.gru(embedded)
        return hidden


class Decoder(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, tgt_in, hidden):
        output, hidden = self.gru(self.embedding(tgt_in), hidden)
        return self.out(output), hidden


def batches(n_batches, batch_size, generator):
    for _ in range(n_batches):
        src = torch.randint(1, VOCAB, (batch_size, SEQ_LEN), generator=generator)
        tgt = torch.flip(src, dims=[1])
        tgt_in = torch.cat([torch.zeros(batch_size, 1, dtype=torch.long), tgt[:, :-1]], dim=1)
        yield src, tgt_in, tgt


def main():
    torch.manual_seed(0)
    encoder = Encoder(VOCAB, HIDDEN)
    decoder = Decoder(VOCAB, HIDDEN)
    optimizer = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=5e-3)
    criterion = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(1)
    for step, (src, tgt_in, tgt) in enumerate(batches(30, 16, g)):
        optimizer.zero_grad()
        hidden = encoder(src)
        logits, _ = decoder(tgt_in, hidden)
        loss = criterion(logits.reshape(-1, VOCAB), tgt.reshape(-1))
        loss.backward()
        optimizer.step()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
