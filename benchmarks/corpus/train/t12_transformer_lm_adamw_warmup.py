"""Tiny causal transformer language model (Embedding, bias-free TransformerEncoder with a registered causal
mask) with AdamW and a LambdaLR linear warmup."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyLM(nn.Module):
    def __init__(self, vocab=64, dim=32, block=16):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(block, dim)
        # no biases: the key projection's bias gets a zero gradient (softmax ignores a shift shared by all keys)
        # that Adam would turn into steps driven by rounding noise
        layer = nn.TransformerEncoderLayer(dim, 4, dim_feedforward=64, dropout=0.0, batch_first=True, bias=False)
        self.blocks = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(dim, vocab)
        self.register_buffer("mask", torch.triu(torch.full((block, block), float("-inf")), diagonal=1))

    def forward(self, idx):
        t = idx.shape[1]
        h = self.tok(idx) + self.pos(torch.arange(t))
        return self.head(self.blocks(h, mask=self.mask[:t, :t]))


def make_models():
    """The freshly initialized language model that train() trains."""
    return TinyLM()


def make_data():
    """Random token sequences of length 17 (16 inputs + the shifted targets), drawn from torch's RNG."""
    data = torch.randint(0, 64, (64, 17))
    return (data,)


def train(model, data):
    """15 AdamW steps over four mini-batches of 16 sequences in turn, the learning rate warmed up linearly
    over five steps; return the loss of every optimizer step."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.95), weight_decay=0.1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 5))
    losses = []
    for step in range(15):
        batch = data[(step % 4) * 16 : (step % 4 + 1) * 16]
        x, y = batch[:, :-1], batch[:, 1:]
        optimizer.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, 64), y.reshape(-1))
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = make_models()
    losses = train(model, *make_data())
    print(f"first loss {losses[0]:.4f} final loss {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
