# t2j: entry=standardize
import torch


def standardize(x):
    return (x - x.mean(dim=-1, keepdim=True)) / torch.sqrt(torch.var(x, dim=-1, keepdim=True) + 1e-5)


def get_inputs():
    return [torch.randn(4, 6) * 3]
