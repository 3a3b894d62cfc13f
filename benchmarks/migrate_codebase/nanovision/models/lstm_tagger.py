import torch
import torch.nn as nn

from nanovision.registry import register


class LSTMTagger(nn.Module):
    """Embeds tokens, runs a one-layer LSTM, and scores a tag per position."""

    def __init__(self, vocab, embed_dim, hidden, tags):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, tags)

    def forward(self, tokens):
        h, _ = self.lstm(self.embed(tokens))
        return torch.log_softmax(self.out(h), dim=-1)


@register("lstm_tagger")
def build(cfg):
    return LSTMTagger(cfg.get("vocab", 100), 32, 64, cfg["num_classes"])


# t2j: entry=LSTMTagger
def get_init_inputs():
    return [50, 16, 24, 5]


def get_inputs():
    return [torch.randint(0, 50, (3, 7))]
