"""Torch-semantics helpers that the rules backend EMITS into translated files (never imported by them).

Each top-level definition here is copied verbatim (by source) into an output file that needs it, together with
the other definitions of this file that it names (found by `t2j.rules.emit`). Keep every definition
self-contained: it may use only jax, jnp, lax, nnx, np, math, functools and the other definitions here.
"""

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx
from jax import lax
import optax

def ntuple(value, n):
    """An int or a sequence as an n-tuple (torch's _ntuple)."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


def torch_uniform(key, shape, bound):
    """torch's default init: U(-bound, bound)."""
    return jax.random.uniform(key, shape, jnp.float32, -bound, bound)


def torch_pad(x, pad, mode="constant", value=0.0):
    """F.pad: `pad` lists (left, right) pairs starting from the LAST dimension."""
    pairs = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        pairs[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == "constant":
        lo_hi = [(lo, hi, 0) for lo, hi in pairs]
        return lax.pad(x, jnp.asarray(value, x.dtype), lo_hi)
    np_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    return jnp.pad(x, pairs, mode=np_mode)


def torch_conv(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"):
    """F.conv1d/2d/3d on channels-first input with an (out, in/groups, *k) weight."""
    nd = weight.ndim - 2
    stride, dilation = ntuple(stride, nd), ntuple(dilation, nd)
    if isinstance(padding, str):
        pad = padding.upper()
    else:
        pad = [(p, p) for p in ntuple(padding, nd)]
        if padding_mode != "zeros":
            flat = []
            for p in reversed(ntuple(padding, nd)):
                flat += [p, p]
            x = torch_pad(x, flat, mode=padding_mode)
            pad = [(0, 0)] * nd
    spatial = "DHW"[-nd:] if nd <= 3 else None
    dn = ("NC" + spatial, "OI" + spatial, "NC" + spatial)
    y = lax.conv_general_dilated(x, weight, stride, pad, rhs_dilation=dilation, dimension_numbers=dn,
                                 feature_group_count=groups)
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * nd)
    return y


def torch_conv_transpose(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """F.conv_transpose1d/2d/3d with torch's (in, out/groups, *k) weight."""
    nd = weight.ndim - 2
    stride, padding = ntuple(stride, nd), ntuple(padding, nd)
    output_padding, dilation = ntuple(output_padding, nd), ntuple(dilation, nd)
    cin, cout_g = weight.shape[0], weight.shape[1]
    k = weight.shape[2:]
    # (in, out/g, *k) -> (out, in/g, *k), spatially flipped
    w = weight.reshape((groups, cin // groups, cout_g) + k)
    w = jnp.swapaxes(w, 1, 2).reshape((groups * cout_g, cin // groups) + k)
    w = jnp.flip(w, axis=tuple(range(2, 2 + nd)))
    pads = [(dilation[i] * (k[i] - 1) - padding[i], dilation[i] * (k[i] - 1) - padding[i] + output_padding[i])
            for i in range(nd)]
    spatial = "DHW"[-nd:]
    dn = ("NC" + spatial, "OI" + spatial, "NC" + spatial)
    y = lax.conv_general_dilated(x, w, (1,) * nd, pads, lhs_dilation=stride, rhs_dilation=dilation,
                                 dimension_numbers=dn, feature_group_count=groups)
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * nd)
    return y


class TorchConv(nnx.Module):
    """nn.Conv1d/2d/3d: torch layout weight (out, in/groups, *k), channels-first input."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", *, ndim, rngs: nnx.Rngs):
        k = ntuple(kernel_size, ndim)
        self.kernel_size, self.stride, self.dilation = k, ntuple(stride, ndim), ntuple(dilation, ndim)
        self.padding = padding if isinstance(padding, str) else ntuple(padding, ndim)
        self.groups, self.padding_mode = groups, padding_mode
        bound = 1.0 / math.sqrt(in_channels // groups * math.prod(k))
        self.weight = nnx.Param(torch_uniform(rngs.params(), (out_channels, in_channels // groups) + k, bound))
        self.bias = nnx.Param(torch_uniform(rngs.params(), (out_channels,), bound)) if bias else None

    def __call__(self, x):
        bias = self.bias[...] if self.bias is not None else None
        return torch_conv(x, self.weight[...], bias, self.stride, self.padding, self.dilation, self.groups,
                          self.padding_mode)


class TorchConvTranspose(nnx.Module):
    """nn.ConvTranspose1d/2d/3d: torch layout weight (in, out/groups, *k), channels-first input."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", *, ndim, rngs: nnx.Rngs):
        k = ntuple(kernel_size, ndim)
        self.kernel_size, self.stride, self.padding = k, ntuple(stride, ndim), ntuple(padding, ndim)
        self.output_padding, self.groups, self.dilation = ntuple(output_padding, ndim), groups, ntuple(dilation, ndim)
        bound = 1.0 / math.sqrt(out_channels // groups * math.prod(k))
        self.weight = nnx.Param(torch_uniform(rngs.params(), (in_channels, out_channels // groups) + k, bound))
        self.bias = nnx.Param(torch_uniform(rngs.params(), (out_channels,), bound)) if bias else None

    def __call__(self, x, output_size=None):
        bias = self.bias[...] if self.bias is not None else None
        return torch_conv_transpose(x, self.weight[...], bias, self.stride, self.padding, self.output_padding,
                                    self.groups, self.dilation)


def pool_padding(size, k, s, p, d, ceil_mode):
    """(lo, hi) padding of one spatial axis for torch pooling, including ceil_mode's extra window."""
    eff = d * (k - 1) + 1
    out = (size + 2 * p - eff) / s + 1
    out = math.ceil(out) if ceil_mode else math.floor(out)
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    hi = max((out - 1) * s + eff - size - p, 0)
    return (p, hi)


def torch_max_pool(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False,
                   *, ndim):
    """F.max_pool1d/2d/3d on channels-first input."""
    k = ntuple(kernel_size, ndim)
    s = ntuple(stride if stride is not None else kernel_size, ndim)
    p, d = ntuple(padding, ndim), ntuple(dilation, ndim)
    pads = [(0, 0), (0, 0)] + [pool_padding(x.shape[2 + i], k[i], s[i], p[i], d[i], ceil_mode)
                               for i in range(ndim)]
    init = -jnp.inf if jnp.issubdtype(x.dtype, jnp.floating) else int(jnp.iinfo(x.dtype).min)
    return lax.reduce_window(x, init, lax.max, (1, 1) + k, (1, 1) + s, pads, window_dilation=(1, 1) + d)


def torch_avg_pool(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                   divisor_override=None, *, ndim):
    """F.avg_pool1d/2d/3d on channels-first input (count_include_pad and ceil_mode as torch)."""
    k = ntuple(kernel_size, ndim)
    s = ntuple(stride if stride is not None else kernel_size, ndim)
    p = ntuple(padding, ndim)
    pads = [(0, 0), (0, 0)] + [pool_padding(x.shape[2 + i], k[i], s[i], p[i], 1, ceil_mode) for i in range(ndim)]
    window, strides = (1, 1) + k, (1, 1) + s
    total = lax.reduce_window(x, 0.0, lax.add, window, strides, pads)
    if divisor_override:
        return total / divisor_override
    if count_include_pad:
        # torch counts the explicit padding but not the extra ceil_mode overhang
        ones = jnp.ones((1, 1) + tuple(x.shape[2 + i] + 2 * p[i] for i in range(ndim)), x.dtype)
        extra = [(0, 0), (0, 0)] + [(0, pads[2 + i][1] - p[i]) for i in range(ndim)]
        count = lax.reduce_window(ones, 0.0, lax.add, window, strides, extra)
    else:
        ones = jnp.ones((1, 1) + x.shape[2:], x.dtype)
        count = lax.reduce_window(ones, 0.0, lax.add, window, strides, pads)
    return total / count


def torch_adaptive_avg_pool(x, output_size, *, ndim):
    """F.adaptive_avg_pool1d/2d/3d: torch's start=floor(i*L/out), end=ceil((i+1)*L/out) bins."""
    sizes = ntuple(output_size, ndim)
    for axis, out in enumerate(sizes):
        axis = x.ndim - ndim + axis
        length = x.shape[axis]
        if out is None or out == length:
            continue
        if length % out == 0:
            shape = x.shape[:axis] + (out, length // out) + x.shape[axis + 1:]
            x = x.reshape(shape).mean(axis=axis + 1)
            continue
        parts = []
        for i in range(out):
            start, end = (i * length) // out, -((-(i + 1) * length) // out)
            parts.append(lax.slice_in_dim(x, start, end, axis=axis).mean(axis=axis, keepdims=True))
        x = jnp.concatenate(parts, axis=axis)
    return x


def torch_adaptive_max_pool(x, output_size, *, ndim):
    """F.adaptive_max_pool1d/2d/3d (values only)."""
    sizes = ntuple(output_size, ndim)
    for axis, out in enumerate(sizes):
        axis = x.ndim - ndim + axis
        length = x.shape[axis]
        if out is None or out == length:
            continue
        parts = []
        for i in range(out):
            start, end = (i * length) // out, -((-(i + 1) * length) // out)
            parts.append(lax.slice_in_dim(x, start, end, axis=axis).max(axis=axis, keepdims=True))
        x = jnp.concatenate(parts, axis=axis)
    return x


class TorchBatchNorm(nnx.Module):
    """nn.BatchNorm1d/2d/3d over axis 1: biased batch variance to normalize, unbiased for the running
    estimate, running = (1 - momentum) * running + momentum * batch (torch's momentum)."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, *,
                 rngs: nnx.Rngs = None):
        self.eps, self.momentum, self.track_running_stats = eps, momentum, track_running_stats
        self.weight = nnx.Param(jnp.ones((num_features,))) if affine else None
        self.bias = nnx.Param(jnp.zeros((num_features,))) if affine else None
        if track_running_stats:
            self.running_mean = nnx.BatchStat(jnp.zeros((num_features,)))
            self.running_var = nnx.BatchStat(jnp.ones((num_features,)))
        self.use_running_average = False

    def __call__(self, x):
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        if self.use_running_average and self.track_running_stats:
            mean, var = self.running_mean[...], self.running_var[...]
        else:
            mean = x.mean(axis=axes)
            var = jnp.mean(jnp.square(x - mean.reshape(shape)), axis=axes)
            if self.track_running_stats:
                n = x.size // x.shape[1]
                m = self.momentum if self.momentum is not None else 0.1
                self.running_mean[...] = (1 - m) * self.running_mean[...] + m * lax.stop_gradient(mean)
                unbiased = lax.stop_gradient(var) * n / max(n - 1, 1)
                self.running_var[...] = (1 - m) * self.running_var[...] + m * unbiased
        y = (x - mean.reshape(shape)) * lax.rsqrt(var.reshape(shape) + self.eps)
        if self.weight is not None:
            y = y * self.weight[...].reshape(shape) + self.bias[...].reshape(shape)
        return y


def torch_layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """F.layer_norm over the trailing `normalized_shape` dimensions."""
    n = len(ntuple_shape(normalized_shape)) if not isinstance(normalized_shape, int) else 1
    axes = tuple(range(x.ndim - n, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    y = (x - mean) * lax.rsqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def ntuple_shape(shape):
    return tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)


class TorchLayerNorm(nnx.Module):
    """nn.LayerNorm (eps 1e-5 by default, any number of trailing normalized dimensions)."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, *, rngs: nnx.Rngs = None):
        self.normalized_shape = ntuple_shape(normalized_shape)
        self.eps = eps
        self.weight = nnx.Param(jnp.ones(self.normalized_shape)) if elementwise_affine else None
        self.bias = nnx.Param(jnp.zeros(self.normalized_shape)) if elementwise_affine and bias else None

    def __call__(self, x):
        weight = self.weight[...] if self.weight is not None else None
        bias = self.bias[...] if self.bias is not None else None
        return torch_layer_norm(x, self.normalized_shape, weight, bias, self.eps)


def torch_group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """F.group_norm on channels-first input."""
    n, c = x.shape[0], x.shape[1]
    g = x.reshape((n, num_groups, -1))
    mean = g.mean(axis=2, keepdims=True)
    var = jnp.mean(jnp.square(g - mean), axis=2, keepdims=True)
    y = ((g - mean) * lax.rsqrt(var + eps)).reshape(x.shape)
    shape = (1, c) + (1,) * (x.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


class TorchGroupNorm(nnx.Module):
    """nn.GroupNorm on channels-first input."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, *, rngs: nnx.Rngs = None):
        self.num_groups, self.eps = num_groups, eps
        self.weight = nnx.Param(jnp.ones((num_channels,))) if affine else None
        self.bias = nnx.Param(jnp.zeros((num_channels,))) if affine else None

    def __call__(self, x):
        weight = self.weight[...] if self.weight is not None else None
        bias = self.bias[...] if self.bias is not None else None
        return torch_group_norm(x, self.num_groups, weight, bias, self.eps)


class TorchInstanceNorm(nnx.Module):
    """nn.InstanceNorm1d/2d/3d (no running statistics unless track_running_stats)."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, *,
                 rngs: nnx.Rngs = None):
        self.eps = eps
        self.weight = nnx.Param(jnp.ones((num_features,))) if affine else None
        self.bias = nnx.Param(jnp.zeros((num_features,))) if affine else None

    def __call__(self, x):
        axes = tuple(range(2, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
        y = (x - mean) * lax.rsqrt(var + self.eps)
        if self.weight is not None:
            shape = (1, -1) + (1,) * (x.ndim - 2)
            y = y * self.weight[...].reshape(shape) + self.bias[...].reshape(shape)
        return y


class TorchEmbedding(nnx.Module):
    """nn.Embedding with padding_idx: that row starts at zero and receives no gradient."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, *, rngs: nnx.Rngs):
        weight = jax.random.normal(rngs.params(), (num_embeddings, embedding_dim))
        if padding_idx is not None:
            padding_idx = padding_idx % num_embeddings
            weight = weight.at[padding_idx].set(0.0)
        self.padding_idx = padding_idx
        self.weight = nnx.Param(weight)

    def __call__(self, ids):
        weight = self.weight[...]
        if self.padding_idx is not None:
            weight = weight.at[self.padding_idx].set(lax.stop_gradient(weight[self.padding_idx]))
        return jnp.take(weight, ids, axis=0)


class TorchBilinear(nnx.Module):
    """nn.Bilinear: y = x1^T W x2 + b with weight (out, in1, in2)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, *, rngs: nnx.Rngs):
        bound = 1.0 / math.sqrt(in1_features)
        self.weight = nnx.Param(torch_uniform(rngs.params(), (out_features, in1_features, in2_features), bound))
        self.bias = nnx.Param(torch_uniform(rngs.params(), (out_features,), bound)) if bias else None

    def __call__(self, x1, x2):
        y = jnp.einsum("...i,oij,...j->...o", x1, self.weight[...], x2)
        return y + self.bias[...] if self.bias is not None else y


class TorchPReLU(nnx.Module):
    """nn.PReLU (one slope, or one per channel on axis 1)."""

    def __init__(self, num_parameters=1, init=0.25, *, rngs: nnx.Rngs = None):
        self.weight = nnx.Param(jnp.full((num_parameters,), init))

    def __call__(self, x):
        w = self.weight[...]
        if w.shape[0] > 1 and x.ndim > 1:
            w = w.reshape((-1,) + (1,) * (x.ndim - 2))
        return jnp.where(x >= 0, x, w * x)


def torch_multi_head_attention(query, key, value, num_heads, in_w, in_b, out_w, out_b, key_padding_mask=None,
                               attn_mask=None, need_weights=True, average_attn_weights=True, is_causal=False):
    """The core of nn.MultiheadAttention on (L, N, E) inputs; returns (output, weights or None)."""
    tgt, batch, embed = query.shape
    src = key.shape[0]
    head = embed // num_heads
    wq, wk, wv = jnp.split(in_w, 3, axis=0)
    bq, bk, bv = jnp.split(in_b, 3) if in_b is not None else (0.0, 0.0, 0.0)
    q = (query @ wq.T + bq).reshape(tgt, batch * num_heads, head).transpose(1, 0, 2)
    k = (key @ wk.T + bk).reshape(src, batch * num_heads, head).transpose(1, 0, 2)
    v = (value @ wv.T + bv).reshape(src, batch * num_heads, head).transpose(1, 0, 2)
    scores = (q / math.sqrt(head)) @ k.transpose(0, 2, 1)
    scores = scores.reshape(batch, num_heads, tgt, src)
    if is_causal and attn_mask is None:
        attn_mask = jnp.triu(jnp.ones((tgt, src), bool), 1)
    if attn_mask is not None:
        if attn_mask.dtype == jnp.bool_:
            attn_mask = jnp.where(attn_mask, -jnp.inf, 0.0)
        if attn_mask.ndim == 3:
            attn_mask = attn_mask.reshape(batch, num_heads, tgt, src)
        scores = scores + attn_mask
    if key_padding_mask is not None:
        if key_padding_mask.dtype == jnp.bool_:
            key_padding_mask = jnp.where(key_padding_mask, -jnp.inf, 0.0)
        scores = scores + key_padding_mask[:, None, None, :]
    weights = jax.nn.softmax(scores, axis=-1)
    out = weights.reshape(batch * num_heads, tgt, src) @ v
    out = out.transpose(1, 0, 2).reshape(tgt, batch, embed)
    out = out @ out_w.T + (out_b if out_b is not None else 0.0)
    if not need_weights:
        return out, None
    return out, weights.mean(axis=1) if average_attn_weights else weights


class TorchMultiheadAttention(nnx.Module):
    """nn.MultiheadAttention with torch's packed in_proj_weight/in_proj_bias and out_proj (eval-mode dropout)."""

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, *, rngs: nnx.Rngs):
        self.num_heads, self.batch_first = num_heads, batch_first
        bound = math.sqrt(6.0 / (embed_dim + 3 * embed_dim))
        self.in_proj_weight = nnx.Param(torch_uniform(rngs.params(), (3 * embed_dim, embed_dim), bound))
        self.in_proj_bias = nnx.Param(jnp.zeros((3 * embed_dim,))) if bias else None
        self.out_proj = nnx.Linear(embed_dim, embed_dim, use_bias=bias, rngs=rngs)

    def __call__(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                 average_attn_weights=True, is_causal=False):
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = query[:, None], key[:, None], value[:, None]
        elif self.batch_first:
            query, key, value = (jnp.swapaxes(t, 0, 1) for t in (query, key, value))
        in_b = self.in_proj_bias[...] if self.in_proj_bias is not None else None
        out_b = self.out_proj.bias[...] if self.out_proj.bias is not None else None
        out, weights = torch_multi_head_attention(
            query, key, value, self.num_heads, self.in_proj_weight[...], in_b, self.out_proj.kernel[...].T, out_b,
            key_padding_mask, attn_mask, need_weights, average_attn_weights, is_causal)
        if unbatched:
            out = out[:, 0]
            weights = weights[0] if weights is not None else None
        elif self.batch_first:
            out = jnp.swapaxes(out, 0, 1)
        return out, weights


class TorchRNNBase(nnx.Module):
    """nn.RNN/LSTM/GRU with torch parameter names (weight_ih_l0, ..._reverse), torch gate order, lax.scan."""

    gates = 1
    mode = "RNN_TANH"

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, *, rngs: nnx.Rngs):
        self.hidden_size, self.num_layers, self.bias = hidden_size, num_layers, bias
        self.batch_first, self.bidirectional = batch_first, bidirectional
        bound = 1.0 / math.sqrt(hidden_size)
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            layer_in = input_size if layer == 0 else hidden_size * directions
            for suffix in ["", "_reverse"][:directions]:
                g = self.gates * hidden_size
                setattr(self, f"weight_ih_l{layer}{suffix}",
                        nnx.Param(torch_uniform(rngs.params(), (g, layer_in), bound)))
                setattr(self, f"weight_hh_l{layer}{suffix}",
                        nnx.Param(torch_uniform(rngs.params(), (g, hidden_size), bound)))
                if bias:
                    setattr(self, f"bias_ih_l{layer}{suffix}", nnx.Param(torch_uniform(rngs.params(), (g,), bound)))
                    setattr(self, f"bias_hh_l{layer}{suffix}", nnx.Param(torch_uniform(rngs.params(), (g,), bound)))

    def cell(self, x_proj, h, c, w_hh, b_hh):
        gh = h @ w_hh.T + b_hh
        if self.mode == "LSTM":
            i, f, g, o = jnp.split(x_proj + gh, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            return jax.nn.sigmoid(o) * jnp.tanh(c), c
        if self.mode == "GRU":
            xr, xz, xn = jnp.split(x_proj, 3, axis=-1)
            hr, hz, hn = jnp.split(gh, 3, axis=-1)
            r = jax.nn.sigmoid(xr + hr)
            z = jax.nn.sigmoid(xz + hz)
            n = jnp.tanh(xn + r * hn)
            return (1 - z) * n + z * h, c
        act = jnp.tanh if self.mode == "RNN_TANH" else jax.nn.relu
        return act(x_proj + gh), c

    def run_direction(self, xs, h0, c0, layer, suffix):
        w_ih = getattr(self, f"weight_ih_l{layer}{suffix}")[...]
        w_hh = getattr(self, f"weight_hh_l{layer}{suffix}")[...]
        b_ih = getattr(self, f"bias_ih_l{layer}{suffix}")[...] if self.bias else 0.0
        b_hh = getattr(self, f"bias_hh_l{layer}{suffix}")[...] if self.bias else 0.0
        proj = xs @ w_ih.T + b_ih  # (T, N, gates*H), computed for all steps at once

        def step(carry, xp):
            h, c = self.cell(xp, carry[0], carry[1], w_hh, b_hh)
            return (h, c), h

        (h, c), ys = lax.scan(step, (h0, c0), proj, reverse=bool(suffix))
        return ys, h, c

    def __call__(self, x, hx=None):
        unbatched = x.ndim == 2
        if unbatched:
            x = x[:, None]
        elif self.batch_first:
            x = jnp.swapaxes(x, 0, 1)
        directions = 2 if self.bidirectional else 1
        n = x.shape[1]
        zeros = jnp.zeros((self.num_layers * directions, n, self.hidden_size), x.dtype)
        if self.mode == "LSTM":
            h0, c0 = hx if hx is not None else (zeros, zeros)
        else:
            h0, c0 = (hx if hx is not None else zeros), zeros
        if unbatched and hx is not None:
            h0, c0 = h0[:, None], c0[:, None]
        hs, cs, layer_in = [], [], x
        for layer in range(self.num_layers):
            outs = []
            for d, suffix in enumerate(["", "_reverse"][:directions]):
                idx = layer * directions + d
                ys, h, c = self.run_direction(layer_in, h0[idx], c0[idx], layer, suffix)
                outs.append(ys)
                hs.append(h)
                cs.append(c)
            layer_in = jnp.concatenate(outs, axis=-1) if directions == 2 else outs[0]
        out, h_n, c_n = layer_in, jnp.stack(hs), jnp.stack(cs)
        if unbatched:
            out, h_n, c_n = out[:, 0], h_n[:, 0], c_n[:, 0]
        elif self.batch_first:
            out = jnp.swapaxes(out, 0, 1)
        return (out, (h_n, c_n)) if self.mode == "LSTM" else (out, h_n)


class TorchLSTM(TorchRNNBase):
    gates = 4
    mode = "LSTM"


class TorchGRU(TorchRNNBase):
    gates = 3
    mode = "GRU"


class TorchRNN(TorchRNNBase):
    gates = 1

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, *, rngs: nnx.Rngs):
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, rngs=rngs)


class TorchTransformerEncoderLayer(nnx.Module):
    """nn.TransformerEncoderLayer (eval-mode dropout), torch attribute names."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, *, rngs: nnx.Rngs):
        self.self_attn = TorchMultiheadAttention(d_model, nhead, bias=bias, batch_first=batch_first, rngs=rngs)
        self.linear1 = nnx.Linear(d_model, dim_feedforward, use_bias=bias, rngs=rngs)
        self.linear2 = nnx.Linear(dim_feedforward, d_model, use_bias=bias, rngs=rngs)
        self.norm1 = TorchLayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.norm2 = TorchLayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.dropout = nnx.Dropout(dropout, rngs=rngs)
        self.dropout1 = nnx.Dropout(dropout, rngs=rngs)
        self.dropout2 = nnx.Dropout(dropout, rngs=rngs)
        if callable(activation):
            self.activation = activation
        else:
            self.activation = jax.nn.relu if activation == "relu" else functools.partial(jax.nn.gelu,
                                                                                         approximate=False)
        self.norm_first = norm_first

    def _sa(self, x, mask, key_padding_mask, is_causal):
        y = self.self_attn(x, x, x, attn_mask=mask, key_padding_mask=key_padding_mask, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(y)

    def _ff(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def __call__(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff(self.norm2(x))
        x = self.norm1(x + self._sa(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff(x))


class TorchTransformerEncoder(nnx.Module):
    """nn.TransformerEncoder: `num_layers` fresh layers built by `make_layer(rngs)`, named layers.0, layers.1..."""

    def __init__(self, make_layer, num_layers, norm=None, *, rngs: nnx.Rngs):
        self.layers = nnx.List([make_layer(rngs) for _ in range(num_layers)])
        self.norm = norm

    def __call__(self, src, mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        for layer in self.layers:
            x = layer(x, mask, src_key_padding_mask, is_causal)
        return self.norm(x) if self.norm is not None else x


def torch_interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None,
                      recompute_scale_factor=None, antialias=False):
    """F.interpolate / nn.Upsample for 'nearest', 'linear', 'bilinear', 'trilinear' (channels-first)."""
    nd = x.ndim - 2
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nd
        scales = [None] * nd
    else:
        sf = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * nd
        out = tuple(int(math.floor(x.shape[2 + i] * sf[i])) for i in range(nd))
        scales = list(sf) if not recompute_scale_factor else [None] * nd
    for i in range(nd):
        axis, n_in, n_out = 2 + i, x.shape[2 + i], out[i]
        scale = (1.0 / scales[i]) if scales[i] else n_in / n_out
        if mode in ("nearest", "nearest-exact"):
            pos = np.arange(n_out, dtype=np.float64)
            src = np.floor((pos + 0.5) * scale) if mode == "nearest-exact" else np.floor(pos * scale)
            src = np.minimum(src.astype(np.int64), n_in - 1)
            x = jnp.take(x, jnp.asarray(src), axis=axis)
            continue
        if align_corners:
            src = np.arange(n_out) * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
        else:
            src = np.maximum((np.arange(n_out) + 0.5) * scale - 0.5, 0.0)
        lo = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
        hi = np.minimum(lo + 1, n_in - 1)
        w = (src - lo).astype(np.float32)
        shape = [1] * x.ndim
        shape[axis] = n_out
        w = jnp.asarray(w).reshape(shape)
        x = jnp.take(x, jnp.asarray(lo), axis=axis) * (1 - w) + jnp.take(x, jnp.asarray(hi), axis=axis) * w
    return x


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


def torch_triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False,
                              reduction="mean"):
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


def torch_softplus(x, beta=1.0, threshold=20.0):
    """F.softplus with torch's beta and linear region above `threshold`."""
    bx = beta * x
    return jnp.where(bx > threshold, x, jax.nn.softplus(bx) / beta)


def torch_flatten(x, start_dim=0, end_dim=-1):
    """torch.flatten / Tensor.flatten / nn.Flatten."""
    if x.ndim == 0:
        return x.reshape(1)
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])


def torch_unflatten(x, dim, sizes):
    dim = dim % x.ndim
    return x.reshape(x.shape[:dim] + tuple(sizes) + x.shape[dim + 1:])


def torch_chunk(x, chunks, dim=0):
    """torch.chunk: chunks of ceil(n / chunks) elements (the last may be smaller)."""
    size = -(-x.shape[dim] // chunks)
    return torch_split(x, size, dim)


def torch_split(x, split_size_or_sections, dim=0):
    """torch.split: pieces of a given size, or of the listed sizes."""
    n = x.shape[dim]
    if isinstance(split_size_or_sections, int):
        sizes = [split_size_or_sections] * (n // split_size_or_sections)
        if n % split_size_or_sections:
            sizes.append(n % split_size_or_sections)
    else:
        sizes = list(split_size_or_sections)
    bounds = np.cumsum(sizes)[:-1].tolist()
    return tuple(jnp.split(x, bounds, axis=dim))


def torch_expand(x, *sizes):
    """Tensor.expand: -1 keeps a dimension."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    lead = len(sizes) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return jnp.broadcast_to(x, shape)


def torch_squeeze(x, dim=None):
    """torch.squeeze: a dimension that is not of size 1 is left alone."""
    if dim is None:
        return jnp.squeeze(x)
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    dims = tuple(d % x.ndim for d in dims if x.shape[d] == 1)
    return jnp.squeeze(x, axis=dims) if dims else x


def torch_scatter(x, dim, index, src, reduce=None):
    """Tensor.scatter / scatter_add along `dim` (functional)."""
    grids = list(jnp.meshgrid(*[jnp.arange(n) for n in index.shape], indexing="ij"))
    grids[dim] = index
    src = jnp.broadcast_to(src, index.shape) if not hasattr(src, "shape") or src.shape != index.shape else src
    if reduce == "add":
        return x.at[tuple(grids)].add(src)
    if reduce == "multiply":
        return x.at[tuple(grids)].multiply(src)
    return x.at[tuple(grids)].set(src)


def torch_topk(x, k, dim=-1, largest=True, sorted=True):
    """torch.topk: (values, indices) along `dim`."""
    moved = jnp.moveaxis(x, dim, -1)
    values, indices = lax.top_k(moved if largest else -moved, k)
    if not largest:
        values = -values
    return jnp.moveaxis(values, -1, dim), jnp.moveaxis(indices, -1, dim)


def torch_sort(x, dim=-1, descending=False):
    """torch.sort: (values, indices)."""
    indices = jnp.argsort(-x if descending else x, axis=dim, stable=True)
    return jnp.take_along_axis(x, indices, axis=dim), indices


def torch_pixel_shuffle(x, upscale_factor):
    n, c, h, w = x.shape
    r = upscale_factor
    x = x.reshape(n, c // (r * r), r, r, h, w).transpose(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // (r * r), h * r, w * r)


def torch_pixel_unshuffle(x, downscale_factor):
    n, c, h, w = x.shape
    r = downscale_factor
    x = x.reshape(n, c, h // r, r, w // r, r).transpose(0, 1, 3, 5, 2, 4)
    return x.reshape(n, c * r * r, h // r, w // r)


def torch_scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False,
                                       scale=None, enable_gqa=False):
    """F.scaled_dot_product_attention (no dropout): boolean masks keep True, float masks are added."""
    scale = scale if scale is not None else 1.0 / math.sqrt(query.shape[-1])
    scores = (query @ jnp.swapaxes(key, -2, -1)) * scale
    L, S = query.shape[-2], key.shape[-2]
    if is_causal:
        scores = jnp.where(jnp.tril(jnp.ones((L, S), bool)), scores, -jnp.inf)
    if attn_mask is not None:
        if attn_mask.dtype == jnp.bool_:
            scores = jnp.where(attn_mask, scores, -jnp.inf)
        else:
            scores = scores + attn_mask
    return jax.nn.softmax(scores, axis=-1) @ value


def torch_dropout(x, p, training, key):
    """F.dropout with an explicit key (identity when not training)."""
    if not training or p == 0.0:
        return x
    keep = jax.random.bernoulli(key, 1.0 - p, x.shape)
    return jnp.where(keep, x / (1.0 - p), 0.0)


def torch_std(x, dim=None, correction=1, keepdim=False):
    return jnp.std(x, axis=dim, ddof=correction, keepdims=keepdim)


def torch_cdist(x1, x2, p=2.0):
    d = jnp.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 2.0:
        return jnp.sqrt(jnp.sum(d * d, axis=-1))
    return jnp.sum(d ** p, axis=-1) ** (1.0 / p)


def torch_one_hot(x, num_classes=-1):
    n = num_classes if num_classes >= 0 else int(x.max()) + 1
    return jax.nn.one_hot(x, n, dtype=jnp.int32)


def save_checkpoint(obj, path):
    """torch.save of a state dict -> a pickled pytree of numpy arrays (nnx.State -> pure dict first)."""
    import pickle

    if isinstance(obj, nnx.State):
        obj = nnx.to_pure_dict(obj)
    with open(path, "wb") as f:
        pickle.dump(jax.tree.map(np.asarray, obj), f)


def load_checkpoint(path):
    """torch.load -> the pytree written by save_checkpoint."""
    import pickle

    with open(path, "rb") as f:
        return pickle.load(f)


def load_state_dict(model, state_dict):
    """model.load_state_dict(sd) for a pure dict (from load_checkpoint) or an nnx.State."""
    state = nnx.state(model)
    if isinstance(state_dict, nnx.State):
        nnx.update(model, state_dict)
        return
    nnx.replace_by_pure_dict(state, state_dict)
    nnx.update(model, state)


def torch_sgd(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    """optim.SGD: maximize negates the gradient, weight decay is added to it, then torch's momentum buffer."""

    def make(learning_rate, momentum):
        parts = [optax.scale(-1.0)] if maximize else []
        parts += [optax.add_decayed_weights(weight_decay)] if weight_decay else []
        parts += [torch_sgd_momentum(momentum, dampening, nesterov), optax.scale_by_learning_rate(learning_rate)]
        return optax.chain(*parts)

    # momentum is injected (a momentum of 0 is plain SGD) so that OneCycleLR can cycle it as torch does
    return optax.inject_hyperparams(make)(learning_rate=lr, momentum=momentum)


def torch_sgd_momentum(momentum, dampening=0.0, nesterov=False):
    """torch's SGD momentum: the buffer starts as the first gradient, then buf = momentum * buf + (1 - dampening)
    * g; Nesterov steps along g + momentum * buf; with momentum 0 the step is the gradient itself."""

    def init(params):
        return (jnp.zeros([], jnp.int32), jax.tree.map(jnp.zeros_like, params))

    def update(updates, state, params=None):
        count, buf = state
        buf = jax.tree.map(lambda b, g: jnp.where(count == 0, g, momentum * b + (1 - dampening) * g), buf, updates)
        step = jax.tree.map(lambda g, b: g + momentum * b, updates, buf) if nesterov else buf
        step = jax.tree.map(lambda g, s: jnp.where(momentum != 0, s, g), updates, step)
        return step, (count + 1, buf)

    return optax.GradientTransformation(init, update)


def torch_adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, maximize=False):
    """optim.Adam: weight decay is L2 added to the gradient (not decoupled)."""

    def make(learning_rate, b1):
        parts = [optax.scale(-1.0)] if maximize else []
        parts += [optax.add_decayed_weights(weight_decay)] if weight_decay else []
        if amsgrad:
            parts += [torch_scale_by_amsgrad(b1, betas[1], eps), optax.scale_by_learning_rate(learning_rate)]
        else:
            parts.append(optax.adam(learning_rate, b1=b1, b2=betas[1], eps=eps))
        return optax.chain(*parts)

    return optax.inject_hyperparams(make)(learning_rate=lr, b1=betas[0])  # b1: cycled by OneCycleLR


def torch_scale_by_amsgrad(b1, b2, eps):
    """torch's AMSGrad step: the running maximum of the raw second moment, bias-corrected after the maximum
    (optax.amsgrad takes the maximum of the bias-corrected moment, which differs in the first steps)."""

    def init(params):
        zeros = lambda: jax.tree.map(jnp.zeros_like, params)  # noqa: E731
        return (jnp.zeros([], jnp.int32), zeros(), zeros(), zeros())

    def update(updates, state, params=None):
        count, mu, nu, nu_max = state
        count = count + 1
        mu = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g, mu, updates)
        nu = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, nu, updates)
        nu_max = jax.tree.map(jnp.maximum, nu_max, nu)
        c1, c2 = 1 - b1 ** count, 1 - b2 ** count
        step = jax.tree.map(lambda m, v: (m / c1) / (jnp.sqrt(v) / jnp.sqrt(c2) + eps), mu, nu_max)
        return step, (count, mu, nu, nu_max)

    return optax.GradientTransformation(init, update)


def torch_adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, maximize=False):
    """optim.AdamW: decoupled weight decay scaled by the learning rate (torch's default 0.01)."""

    def make(learning_rate, b1):
        flip = [optax.scale(-1.0)] if maximize else []
        if amsgrad:
            return optax.chain(*flip, torch_scale_by_amsgrad(b1, betas[1], eps),
                               optax.add_decayed_weights(weight_decay), optax.scale_by_learning_rate(learning_rate))
        return optax.chain(*flip, optax.adamw(learning_rate, b1=b1, b2=betas[1], eps=eps, weight_decay=weight_decay))

    return optax.inject_hyperparams(make)(learning_rate=lr, b1=betas[0])  # b1: cycled by OneCycleLR


def torch_rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    """optim.RMSprop: eps added outside the square root, L2 weight decay on the gradient."""

    def make(learning_rate):
        parts = [optax.scale(-1.0)] if maximize else []
        parts += [optax.add_decayed_weights(weight_decay)] if weight_decay else []
        parts.append(optax.rmsprop(learning_rate, decay=alpha, eps=eps, eps_in_sqrt=False, centered=centered,
                                   momentum=momentum or None))
        return optax.chain(*parts)

    return optax.inject_hyperparams(make)(learning_rate=lr)


class TorchLRScheduler:
    """Base of torch-style LR schedulers: step() sets the optimizer's injected learning rate."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.base_lr = float(optimizer.opt_state.hyperparams["learning_rate"][...])
        self.last_epoch = 0
        self.set_lr(self.lr_at(0))

    def set_lr(self, lr):
        self.optimizer.opt_state.hyperparams["learning_rate"][...] = lr

    def get_last_lr(self):
        return [float(self.optimizer.opt_state.hyperparams["learning_rate"][...])]

    def lr_at(self, epoch):
        return self.base_lr

    def step(self, *args):
        self.last_epoch += 1
        self.set_lr(self.lr_at(self.last_epoch))

    def set_momentum(self, momentum):
        """SGD's momentum or Adam's beta1, whichever the optimizer has (schedulers that cycle momentum)."""
        hyper = self.optimizer.opt_state.hyperparams
        name = "momentum" if "momentum" in hyper else "b1"
        if name not in hyper:
            raise ValueError("this optimizer has no momentum or beta1 to cycle; pass cycle_momentum=False")
        hyper[name][...] = momentum


class TorchStepLR(TorchLRScheduler):
    def __init__(self, optimizer, step_size, gamma=0.1):
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class TorchMultiStepLR(TorchLRScheduler):
    def __init__(self, optimizer, milestones, gamma=0.1):
        self.milestones, self.gamma = sorted(milestones), gamma
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.base_lr * self.gamma ** sum(1 for m in self.milestones if m <= epoch)


class TorchExponentialLR(TorchLRScheduler):
    def __init__(self, optimizer, gamma):
        self.gamma = gamma
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.base_lr * self.gamma ** epoch


class TorchCosineAnnealingLR(TorchLRScheduler):
    def __init__(self, optimizer, T_max, eta_min=0.0):
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2


class TorchLambdaLR(TorchLRScheduler):
    def __init__(self, optimizer, lr_lambda):
        self.lr_lambda = lr_lambda
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.base_lr * self.lr_lambda(epoch)


class TorchOneCycleLR(TorchLRScheduler):
    """OneCycleLR (two or three phases, cosine or linear annealing), stepped once per batch like torch; with
    cycle_momentum it moves SGD's momentum / Adam's beta1 against the learning rate."""

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False):
        self.total = total_steps if total_steps is not None else epochs * steps_per_epoch
        initial = max_lr / div_factor
        minimum = initial / final_div_factor
        up = float(pct_start * self.total) - 1
        if three_phase:  # (end step, lr from, lr to, momentum from, momentum to)
            self.phases = [(up, initial, max_lr, max_momentum, base_momentum),
                           (2 * up, max_lr, initial, base_momentum, max_momentum),
                           (self.total - 1, initial, minimum, max_momentum, max_momentum)]
        else:
            self.phases = [(up, initial, max_lr, max_momentum, base_momentum),
                           (self.total - 1, max_lr, minimum, base_momentum, max_momentum)]
        self.cos = anneal_strategy == "cos"
        self.cycle_momentum = cycle_momentum
        super().__init__(optimizer)
        if cycle_momentum:
            self.set_momentum(self.momentum_at(0))

    def step(self, *args):
        super().step()
        if self.cycle_momentum:
            self.set_momentum(self.momentum_at(self.last_epoch))

    def anneal(self, start, end, pct):
        if self.cos:
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _at(self, step, lr: bool):
        begin = 0.0
        for i, (end, lr_from, lr_to, m_from, m_to) in enumerate(self.phases):
            if step <= end or i == len(self.phases) - 1:
                pct = (step - begin) / (end - begin)
                return self.anneal(lr_from, lr_to, pct) if lr else self.anneal(m_from, m_to, pct)
            begin = end

    def lr_at(self, step):
        return self._at(step, lr=True)

    def momentum_at(self, step):
        return self._at(step, lr=False)


class TorchReduceLROnPlateau(TorchLRScheduler):
    """ReduceLROnPlateau: step(metric) lowers the rate by `factor` after `patience` bad epochs."""

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown = threshold, threshold_mode, cooldown
        self.min_lr, self.eps = min_lr, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.bad, self.cooldown_left = 0, 0
        super().__init__(optimizer)

    def better(self, value):
        if self.threshold_mode == "rel":
            scale = 1 - self.threshold if self.mode == "min" else 1 + self.threshold
            return value < self.best * scale if self.mode == "min" else value > self.best * scale
        return value < self.best - self.threshold if self.mode == "min" else value > self.best + self.threshold

    def step(self, metric):
        value = float(metric)
        self.last_epoch += 1
        if self.better(value):
            self.best, self.bad = value, 0
        else:
            self.bad += 1
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad = 0
        if self.bad > self.patience:
            old = self.get_last_lr()[0]
            new = max(old * self.factor, self.min_lr)
            if old - new > self.eps:
                self.set_lr(new)
            self.cooldown_left, self.bad = self.cooldown, 0


class TensorDataset:
    """torch.utils.data.TensorDataset over arrays."""

    def __init__(self, *tensors):
        self.tensors = tensors

    def __len__(self):
        return len(self.tensors[0])

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)


class NumpyLoader:
    """DataLoader replacement: batches of a dataset (stacked with jnp), shuffled with NumPy when asked."""

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=0, **unused):
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            index = order[start:start + self.batch_size]
            if self.drop_last and len(index) < self.batch_size:
                break
            if isinstance(self.dataset, TensorDataset):
                yield tuple(t[jnp.asarray(index)] for t in self.dataset.tensors)
                continue
            items = [self.dataset[int(i)] for i in index]
            if isinstance(items[0], (tuple, list)):
                yield tuple(jnp.stack([jnp.asarray(item[k]) for item in items]) for k in range(len(items[0])))
            else:
                yield jnp.stack([jnp.asarray(item) for item in items])


class TorchRNNCellBase(nnx.Module):
    """nn.LSTMCell/GRUCell/RNNCell: weight_ih (gates*H, in), weight_hh (gates*H, H), torch gate order."""

    gates = 1
    mode = "RNN_TANH"

    def __init__(self, input_size, hidden_size, bias=True, *, rngs: nnx.Rngs):
        self.hidden_size = hidden_size
        bound = 1.0 / math.sqrt(hidden_size)
        g = self.gates * hidden_size
        self.weight_ih = nnx.Param(torch_uniform(rngs.params(), (g, input_size), bound))
        self.weight_hh = nnx.Param(torch_uniform(rngs.params(), (g, hidden_size), bound))
        self.bias_ih = nnx.Param(torch_uniform(rngs.params(), (g,), bound)) if bias else None
        self.bias_hh = nnx.Param(torch_uniform(rngs.params(), (g,), bound)) if bias else None

    def __call__(self, x, hx=None):
        zeros = jnp.zeros(x.shape[:-1] + (self.hidden_size,), x.dtype)
        gi = x @ self.weight_ih[...].T + (self.bias_ih[...] if self.bias_ih is not None else 0.0)
        if self.mode == "LSTM":
            h, c = hx if hx is not None else (zeros, zeros)
        else:
            h, c = (hx if hx is not None else zeros), None
        gh = h @ self.weight_hh[...].T + (self.bias_hh[...] if self.bias_hh is not None else 0.0)
        if self.mode == "LSTM":
            i, f, g, o = jnp.split(gi + gh, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            return jax.nn.sigmoid(o) * jnp.tanh(c), c
        if self.mode == "GRU":
            xr, xz, xn = jnp.split(gi, 3, axis=-1)
            hr, hz, hn = jnp.split(gh, 3, axis=-1)
            r, z = jax.nn.sigmoid(xr + hr), jax.nn.sigmoid(xz + hz)
            n = jnp.tanh(xn + r * hn)
            return (1 - z) * n + z * h
        act = jnp.tanh if self.mode == "RNN_TANH" else jax.nn.relu
        return act(gi + gh)


class TorchLSTMCell(TorchRNNCellBase):
    gates = 4
    mode = "LSTM"


class TorchGRUCell(TorchRNNCellBase):
    gates = 3
    mode = "GRU"


class TorchRNNCell(TorchRNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", *, rngs: nnx.Rngs):
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, rngs=rngs)


class FunctionCtx:
    """The `ctx` of a torch.autograd.Function, for torch_autograd_function."""

    def __init__(self):
        self.saved_tensors = ()

    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors

    def mark_non_differentiable(self, *tensors):
        pass


def torch_autograd_function(cls):
    """A torch.autograd.Function-style class (static forward(ctx, ...), backward(ctx, grads)) as a
    jax.custom_vjp function: `Cls.apply = torch_autograd_function(Cls)`."""

    def attributes(ctx):
        return {k: v for k, v in vars(ctx).items() if k != "saved_tensors"}

    @jax.custom_vjp
    def apply(*args):
        return cls.forward(FunctionCtx(), *args)

    def fwd(*args):
        ctx = FunctionCtx()
        out = cls.forward(ctx, *args)
        return out, (ctx.saved_tensors, attributes(ctx), args)

    def bwd(residuals, grad):
        saved, attrs, args = residuals
        ctx = FunctionCtx()
        ctx.saved_tensors = saved
        vars(ctx).update(attrs)
        grads = cls.backward(ctx, grad)
        grads = grads if isinstance(grads, tuple) else (grads,)
        return tuple(jnp.zeros_like(a) if g is None else g for g, a in zip(grads, args))

    apply.defvjp(fwd, bwd)
    return apply


class TorchLossModule(nnx.Module):
    """A torch loss module with tensor options: `weight`/`pos_weight` are buffers, as in torch."""

    def __init__(self, fn, weight=None, pos_weight=None):
        self.fn = fn
        self.weight = nnx.Variable(jnp.asarray(weight)) if weight is not None else None
        self.pos_weight = nnx.Variable(jnp.asarray(pos_weight)) if pos_weight is not None else None

    def __call__(self, input, target):
        extra = {}
        if self.weight is not None:
            extra["weight"] = self.weight[...]
        if self.pos_weight is not None:
            extra["pos_weight"] = self.pos_weight[...]
        return self.fn(input, target, **extra)


def torch_clip_grad_norm(grads, max_norm, norm_type=2.0):
    """nn.utils.clip_grad_norm_ on a gradient pytree: scale by max_norm / (total norm + 1e-6), at most 1."""
    leaves = jax.tree.leaves(grads)
    if norm_type == float("inf"):
        total = jnp.max(jnp.stack([jnp.max(jnp.abs(g)) for g in leaves]))
    else:
        total = sum(jnp.sum(jnp.abs(g) ** norm_type) for g in leaves) ** (1.0 / norm_type)
    coef = jnp.minimum(max_norm / (total + 1e-6), 1.0)
    return jax.tree.map(lambda g: g * coef, grads)


def torch_clip_grad_value(grads, clip_value):
    """nn.utils.clip_grad_value_ on a gradient pytree: every element clamped to [-clip_value, clip_value]."""
    return jax.tree.map(lambda g: jnp.clip(g, -clip_value, clip_value), grads)


def torch_index_mask(mask, x):
    """A boolean index over x's leading dimensions (torch's `x[mask]`), broadcast to x's full shape."""
    return jnp.broadcast_to(jnp.reshape(mask, mask.shape + (1,) * (x.ndim - mask.ndim)), x.shape)


def torch_masked_sum(x, mask):
    """x[mask].sum() with a static shape (jit-able): the unselected elements count as zero."""
    return jnp.where(torch_index_mask(mask, x), x, 0).sum()


def torch_masked_mean(x, mask):
    """x[mask].mean() with a static shape: the sum of the selected elements over their count (NaN if none)."""
    full = torch_index_mask(mask, x)
    return jnp.where(full, x, 0).sum() / full.sum()


class TorchNamedSequential(nnx.Module):
    """nn.Sequential(OrderedDict(...)): each child kept under its own name (weights port as `body.fc1...`),
    called in order; `seq[i]` indexes by position like torch."""

    def __init__(self, children):
        children = list(children.items()) if hasattr(children, "items") else list(children)
        self.child_names = tuple(name for name, _ in children)
        for name, child in children:
            setattr(self, name, child)

    def __getitem__(self, index):
        return getattr(self, self.child_names[index])

    def __len__(self):
        return len(self.child_names)

    def __call__(self, x):
        for name in self.child_names:
            x = getattr(self, name)(x)
        return x


def torch_param_groups(optimizer):
    """A read-only view of optimizer.param_groups for the hyperparameters the emitted optimizers inject (logging
    `param_groups[0]["lr"]`); set them through `optimizer.opt_state.hyperparams`."""
    hyper = optimizer.opt_state.hyperparams
    names = {"learning_rate": "lr", "momentum": "momentum", "b1": "beta1"}
    return [{names.get(k, k): float(v[...]) for k, v in hyper.items()}]
