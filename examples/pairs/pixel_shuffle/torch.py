# t2j: entry=shuffle
import torch
import torch.nn.functional as F


def shuffle(x, w):
    """Sub-pixel convolution: conv to C*r^2 channels, then pixel_shuffle(r=2)."""
    return F.pixel_shuffle(F.conv2d(x, w, padding=1), 2)


def get_inputs():
    return [torch.randn(2, 3, 4, 5), torch.randn(12, 3, 3, 3) * 0.2]
