import torch
from torch.utils.data import Dataset


class SyntheticImages(Dataset):
    """Random images whose label is the brightest channel: learnable, needs no download."""

    def __init__(self, n, channels, size, classes, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(n, channels, size, size, generator=g)
        self.y = torch.randint(0, classes, (n,), generator=g)
        self.x[torch.arange(n), self.y % channels] += 1.0

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
