# t2j: entry=loss_fn
import torch
import torch.nn.functional as F


def loss_fn(logits, target):
    """Cross-entropy with label smoothing 0.1, mean over the batch."""
    return F.cross_entropy(logits, target, label_smoothing=0.1)


def get_inputs():
    return [torch.randn(8, 5) * 3, torch.randint(0, 5, (8,))]
