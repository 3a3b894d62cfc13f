import torch
import torch.nn as nn


class Model(nn.Module):
    """masked_fill with -inf before a softmax, clamp and where."""

    def forward(self, scores, lengths):
        positions = torch.arange(scores.shape[1]).unsqueeze(0)
        mask = positions >= lengths.unsqueeze(1)
        probs = scores.masked_fill(mask, float("-inf")).softmax(dim=1)
        clipped = torch.clamp(scores, min=-1.0, max=1.0)
        return torch.where(scores > 0, probs, clipped * 0.1)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(16, 64), torch.randint(1, 65, (16,))]
