"""GRU encoder-decoder with dot-product attention (teacher forcing)."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb = nn.Embedding(100, 32)
        self.tgt_emb = nn.Embedding(120, 32)
        self.encoder = nn.GRU(32, 64, batch_first=True)
        self.decoder = nn.GRU(32, 64, batch_first=True)
        self.combine = nn.Linear(128, 64)
        self.out = nn.Linear(64, 120)

    def forward(self, src, tgt):
        enc_out, h = self.encoder(self.src_emb(src))
        dec_out, _ = self.decoder(self.tgt_emb(tgt), h)
        scores = torch.bmm(dec_out, enc_out.transpose(1, 2))
        context = torch.bmm(torch.softmax(scores, dim=-1), enc_out)
        return self.out(torch.tanh(self.combine(torch.cat([dec_out, context], dim=-1))))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randint(0, 100, (8, 12)), torch.randint(0, 120, (8, 10))]
