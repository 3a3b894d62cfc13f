"""Two-tower recommender: user/item embeddings with MLP towers and dot-product score."""

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.user_emb = nn.Embedding(1000, 64)
        self.item_emb = nn.Embedding(5000, 64)
        self.user_tower = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32))
        self.item_tower = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32))

    def forward(self, users, items):
        u = self.user_tower(self.user_emb(users))
        v = self.item_tower(self.item_emb(items))
        return (u * v).sum(dim=-1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randint(0, 1000, (64,)), torch.randint(0, 5000, (64,))]
