import torch


def normalize(x, mean, std):
    mean = torch.tensor(mean).view(-1, 1, 1)
    std = torch.tensor(std).view(-1, 1, 1)
    return (x - mean) / std


def random_flip(x, p=0.5):
    if torch.rand(()) < p:
        return torch.flip(x, dims=[-1])
    return x


def center_crop(x, size):
    h, w = x.shape[-2:]
    top, left = (h - size) // 2, (w - size) // 2
    return x[..., top:top + size, left:left + size]
