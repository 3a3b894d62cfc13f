import torch


def accuracy(logits, target):
    return (logits.argmax(dim=-1) == target).float().mean()


def topk_accuracy(logits, target, k=5):
    top = logits.topk(k, dim=-1).indices
    return (top == target.unsqueeze(-1)).any(dim=-1).float().mean()


class AverageMeter:
    def __init__(self):
        self.total, self.count = 0.0, 0

    def update(self, value, n=1):
        self.total += float(value) * n
        self.count += n

    @property
    def mean(self):
        return self.total / max(self.count, 1)
