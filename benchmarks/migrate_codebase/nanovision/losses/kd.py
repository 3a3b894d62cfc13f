import torch
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    """Hinton-style knowledge distillation: KL between softened distributions."""
    s = F.log_softmax(student_logits / temperature, dim=-1)
    t = F.softmax(teacher_logits / temperature, dim=-1)
    return F.kl_div(s, t, reduction="batchmean") * temperature ** 2


# t2j: entry=distillation_loss
def get_inputs():
    return [torch.randn(4, 10), torch.randn(4, 10)]
