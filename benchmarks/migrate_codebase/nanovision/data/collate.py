import torch


def collate(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs), torch.stack(ys)
