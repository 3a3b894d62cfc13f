import torch
import torch.nn as nn
import torch.nn.functional as F


class FocalLoss(nn.Module):
    """Focal loss for multi-class logits (Lin et al.)."""

    def __init__(self, gamma=2.0):
        super().__init__()
        self.gamma = gamma

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=-1)
        logp_t = logp.gather(1, target.unsqueeze(1)).squeeze(1)
        p_t = logp_t.exp()
        return (-(1 - p_t) ** self.gamma * logp_t).mean()


# t2j: entry=FocalLoss
def get_init_inputs():
    return [2.0]


def get_inputs():
    return [torch.randn(8, 5), torch.randint(0, 5, (8,))]
