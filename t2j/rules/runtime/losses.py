"""Loss functions with torch's reductions, ignore_index, weights and distances."""

import math

import jax
import jax.numpy as jnp


def reduce_loss(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def torch_nll_loss(log_probs, target, weight=None, ignore_index=-100, reduction="mean"):
    """F.nll_loss with class-index targets, (N, C) or (N, C, d1, ...) inputs."""
    if log_probs.ndim == 1:
        log_probs, target = log_probs[None], target[None]
    logp = jnp.moveaxis(log_probs, 1, -1)
    valid = target != ignore_index
    safe = jnp.where(valid, target, 0)
    picked = jnp.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]
    w = weight[safe] if weight is not None else jnp.ones_like(picked)
    w = jnp.where(valid, w, 0.0)
    loss = -picked * w
    if reduction == "mean":
        return loss.sum() / w.sum()
    if reduction == "sum":
        return loss.sum()
    return loss


def torch_cross_entropy(logits, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """F.cross_entropy: class indices or class probabilities, optional weight, label smoothing, ignore_index."""
    class_axis = 1 if logits.ndim > 1 else 0
    logp = jax.nn.log_softmax(logits, axis=class_axis)
    n_classes = logits.shape[class_axis]
    if jnp.issubdtype(target.dtype, jnp.floating):  # probabilities
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        wshape = [1] * logits.ndim
        wshape[class_axis] = n_classes
        wl = logp * (weight.reshape(wshape) if weight is not None else 1.0)
        loss = -(wl * target).sum(axis=class_axis)
        if reduction == "mean":
            return loss.sum() / (loss.size if logits.ndim > 1 else 1)
        return reduce_loss_local(loss, reduction)
    nll = torch_nll_loss(logp, target, weight, ignore_index, reduction)
    if label_smoothing <= 0:
        return nll
    if logp.ndim == 1:
        logp, target = logp[None], target[None]
    valid = target != ignore_index
    lp = jnp.moveaxis(logp, 1, -1)
    smooth = -(lp * (weight if weight is not None else 1.0)).sum(axis=-1)
    smooth = jnp.where(valid, smooth, 0.0)
    if reduction == "mean":
        if weight is not None:
            denom = jnp.where(valid, weight[jnp.where(valid, target, 0)], 0.0).sum()
        else:
            denom = valid.sum()
        smooth = smooth.sum() / denom
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + label_smoothing / n_classes * smooth


def reduce_loss_local(loss, reduction):
    if reduction == "sum":
        return loss.sum()
    return loss


def torch_mse_loss(input, target, reduction="mean"):
    return reduce_loss(jnp.square(input - target), reduction)


def torch_l1_loss(input, target, reduction="mean"):
    return reduce_loss(jnp.abs(input - target), reduction)


def torch_smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    d = jnp.abs(input - target)
    loss = jnp.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta) if beta > 0 else d
    return reduce_loss(loss, reduction)


def torch_huber_loss(input, target, reduction="mean", delta=1.0):
    d = jnp.abs(input - target)
    return reduce_loss(jnp.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


def torch_binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """F.binary_cross_entropy (logs clamped at -100 like torch)."""
    loss = -(target * jnp.maximum(jnp.log(input), -100.0) + (1 - target) * jnp.maximum(jnp.log1p(-input), -100.0))
    if weight is not None:
        loss = loss * weight
    return reduce_loss(loss, reduction)


def torch_bce_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    log_sig = jax.nn.log_sigmoid(input)
    log_one_minus = jax.nn.log_sigmoid(-input)
    if pos_weight is not None:
        loss = -(pos_weight * target * log_sig + (1 - target) * log_one_minus)
    else:
        loss = -(target * log_sig + (1 - target) * log_one_minus)
    if weight is not None:
        loss = loss * weight
    return reduce_loss(loss, reduction)


def torch_kl_div(input, target, reduction="mean", log_target=False):
    """F.kl_div: `input` holds log-probabilities; 'batchmean' divides by the batch size."""
    if log_target:
        loss = jnp.exp(target) * (target - input)
    else:
        loss = jnp.where(target > 0, target * (jnp.log(jnp.where(target > 0, target, 1.0)) - input), 0.0)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0]
    return reduce_loss(loss, reduction)


def torch_cosine_similarity(x1, x2, dim=1, eps=1e-8):
    n1 = jnp.sqrt(jnp.sum(x1 * x1, axis=dim))
    n2 = jnp.sqrt(jnp.sum(x2 * x2, axis=dim))
    return jnp.sum(x1 * x2, axis=dim) / (jnp.maximum(n1, eps) * jnp.maximum(n2, eps))


def torch_pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    d = x1 - x2 + eps
    return jnp.sum(jnp.abs(d) ** p, axis=-1, keepdims=keepdim) ** (1.0 / p)


def torch_normalize(x, p=2.0, dim=1, eps=1e-12):
    norm = jnp.sum(jnp.abs(x) ** p, axis=dim, keepdims=True) ** (1.0 / p)
    return x / jnp.maximum(norm, eps)


def torch_cosine_embedding_loss(x1, x2, target, margin=0.0, reduction="mean"):
    cos = torch_cosine_similarity(x1, x2, dim=-1, eps=1e-8)
    loss = jnp.where(target == 1, 1 - cos, jnp.maximum(0.0, cos - margin))
    return reduce_loss(loss, reduction)


def torch_margin_ranking_loss(x1, x2, target, margin=0.0, reduction="mean"):
    return reduce_loss(jnp.maximum(0.0, -target * (x1 - x2) + margin), reduction)


def torch_hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    loss = jnp.where(target == 1, input, jnp.maximum(0.0, margin - input))
    return reduce_loss(loss, reduction)


def torch_soft_margin_loss(input, target, reduction="mean"):
    return reduce_loss(jnp.log1p(jnp.exp(-target * input)), reduction)


def torch_triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean"):
    d_pos = torch_pairwise_distance(anchor, positive, p, eps)
    d_neg = torch_pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = jnp.minimum(d_neg, torch_pairwise_distance(positive, negative, p, eps))
    return reduce_loss(jnp.maximum(d_pos - d_neg + margin, 0.0), reduction)


def torch_gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    var = jnp.maximum(var, eps)
    loss = 0.5 * (jnp.log(var) + jnp.square(input - target) / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)


def torch_poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction="mean"):
    loss = jnp.exp(input) - target * input if log_input else input - target * jnp.log(input + eps)
    return reduce_loss(loss, reduction)


def torch_multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):
    loss = -(target * jax.nn.log_sigmoid(input) + (1 - target) * jax.nn.log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.mean(axis=-1)
    return reduce_loss(loss, reduction)
