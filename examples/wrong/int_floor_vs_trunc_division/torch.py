# t2j: entry=bucketize
import torch


def bucketize(x, positions):
    """Relative positions bucketed by floor division (towards -inf for negatives)."""
    buckets = positions // 4
    return x * buckets.to(x.dtype)


def get_inputs():
    return [torch.randn(3, 10), torch.arange(-15, 15).reshape(3, 10)]
