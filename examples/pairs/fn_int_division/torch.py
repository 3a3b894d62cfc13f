# t2j: entry=fn
import torch


def fn(x, a, b):
    """torch `//` on integers floors (towards -inf); remainder follows the divisor's sign, fmod the dividend's;
    `/` on integers is true division."""
    q = a // b
    r = torch.remainder(a, b)
    f = torch.fmod(a, b)
    t = a / b
    return x * q.to(x.dtype) + r.to(x.dtype) - f.to(x.dtype) + t.to(x.dtype)


def get_inputs():
    a = torch.randint(-20, 20, (4, 6))
    b = torch.randint(1, 5, (4, 6)) * (torch.randint(0, 2, (4, 6)) * 2 - 1)
    return [torch.randn(4, 6), a, b]
