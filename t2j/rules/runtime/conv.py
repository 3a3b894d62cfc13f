"""Convolutions: torch's padding modes, grouped/dilated conv and transposed conv, and their modules."""

import math

import jax.numpy as jnp
import numpy as np
from flax import nnx
from jax import lax

from t2j.rules.runtime.common import ntuple, torch_uniform


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
    if groups > 1 and groups == x.shape[1] and weight.shape[1] == 1 and not isinstance(pad, str):
        y = depthwise_conv(x, weight, stride, pad, dilation)
    elif nd == 3:
        if isinstance(pad, str):
            window = [dilation[i] * (weight.shape[2 + i] - 1) + 1 for i in range(nd)]
            pad = lax.padtype_to_pads(x.shape[2:], window, stride, pad)
        y = conv3d_as_2d(x, weight, stride, pad, dilation, groups)
    else:
        spatial = "DHW"[-nd:] if nd <= 3 else None
        dn = ("NC" + spatial, "OI" + spatial, "NC" + spatial)
        y = lax.conv_general_dilated(
            x, weight, stride, pad, rhs_dilation=dilation, dimension_numbers=dn, feature_group_count=groups
        )
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * nd)
    return y


def torch_unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """F.unfold / nn.Unfold (im2col): (N, C, H, W) -> (N, C * kh * kw, L), each column one sliding block with the
    channel slowest and the kernel's rows then columns inside it, as torch orders them (an unbatched (C, H, W) too)."""
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    ph, pw = ntuple(padding, 2)
    patches = lax.conv_general_dilated_patches(
        x,
        ntuple(kernel_size, 2),
        ntuple(stride, 2),
        ((ph, ph), (pw, pw)),
        rhs_dilation=ntuple(dilation, 2),
        precision=lax.Precision.HIGHEST,  # a copy of the inputs: no reduced-precision products
    )
    out = patches.reshape(patches.shape[0], patches.shape[1], -1)
    return out[0] if unbatched else out


def depthwise_conv(x, weight, stride, pad, dilation):
    """A depthwise convolution (one input channel per group, `weight` (C * m, 1, *k)) as the sum of the k
    shifted, strided slices of x times their per-channel weights: XLA fuses it into one loop, where a
    convolution with feature_group_count=C runs ~50x slower on CPU (forward and backward)."""
    nd = weight.ndim - 2
    multiplier = weight.shape[0] // x.shape[1]
    if multiplier > 1:  # output channel c * m + j reads input channel c
        x = jnp.repeat(x, multiplier, axis=1)
    x = lax.pad(x, jnp.zeros((), x.dtype), [(0, 0, 0), (0, 0, 0)] + [(lo, hi, 0) for lo, hi in pad])
    k = weight.shape[2:]
    out = [(x.shape[2 + i] - dilation[i] * (k[i] - 1) - 1) // stride[i] + 1 for i in range(nd)]
    y = None
    for offset in np.ndindex(*k):
        start = (0, 0) + tuple(o * d for o, d in zip(offset, dilation))
        limit = x.shape[:2] + tuple(b + s * (n - 1) + 1 for b, s, n in zip(start[2:], stride, out))
        term = lax.slice(x, start, limit, (1, 1) + tuple(stride)) * weight[(slice(None), 0) + offset].reshape(
            (1, -1) + (1,) * nd
        )
        y = term if y is None else y + term
    return y


def conv3d_as_2d(x, weight, stride, pad, dilation, groups):
    """A 3D convolution as one batched 2D convolution: the kd depth taps of every output depth are stacked into
    the channels (input (N * D_out, C * kd, H, W), weight (O, C / groups * kd, kh, kw)). XLA:CPU runs 3D
    convolutions as a plain loop but 2D ones with Eigen: 5-20x faster forward, 2.5-7x forward+backward."""
    n, c, kd = x.shape[0], x.shape[1], weight.shape[2]
    x = lax.pad(x, jnp.zeros((), x.dtype), [(0, 0, 0), (0, 0, 0), (pad[0][0], pad[0][1], 0), (0, 0, 0), (0, 0, 0)])
    depth = (x.shape[2] - dilation[0] * (kd - 1) - 1) // stride[0] + 1
    taps = [
        lax.slice_in_dim(x, i * dilation[0], i * dilation[0] + stride[0] * (depth - 1) + 1, stride[0], axis=2)
        for i in range(kd)
    ]
    # (N, C, kd, D_out, H, W) -> (N, D_out, C, kd, H, W): channel c * kd + i, as in the reshaped weight
    stacked = jnp.transpose(jnp.stack(taps, axis=2), (0, 3, 1, 2, 4, 5)).reshape((n * depth, c * kd) + x.shape[3:])
    w = weight.reshape((weight.shape[0], weight.shape[1] * kd) + weight.shape[3:])
    y = lax.conv_general_dilated(
        stacked,
        w,
        stride[1:],
        pad[1:],
        rhs_dilation=dilation[1:],
        dimension_numbers=("NCHW", "OIHW", "NCHW"),
        feature_group_count=groups,
    )
    return jnp.transpose(y.reshape((n, depth) + y.shape[1:]), (0, 2, 1, 3, 4))


def torch_conv_transpose(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """F.conv_transpose1d/2d/3d with torch's (in, out/groups, *k) weight, by phases: the full output position
    q = i * stride + j (j a tap of the dilated kernel) splits by q % stride into prod(stride) stride-1
    correlations of x with the taps j = q % stride + stride * t, and all of them are one matmul over the
    ceil(k / stride) shifted slices of x (channels last). XLA:CPU runs matmuls (and their gradients) fast, where
    an lhs-dilated convolution's weight gradient is a slow reversed-window loop; no work on inserted zeros."""
    nd = weight.ndim - 2
    stride, padding = ntuple(stride, nd), ntuple(padding, nd)
    output_padding, dilation = ntuple(output_padding, nd), ntuple(dilation, nd)
    n, cin, cout_g = x.shape[0], weight.shape[0], weight.shape[1]
    cin_g = cin // groups
    if nd < 3 and all(s == 1 for s in stride):  # no phases: a plain conv (flipped kernel, full padding) is faster
        return conv_transpose_unit_stride(x, weight, bias, padding, output_padding, groups, dilation)
    zero = jnp.zeros((), weight.dtype)
    w = lax.pad(weight, zero, [(0, 0, 0)] * 2 + [(0, 0, d - 1) for d in dilation])  # the dilated kernel
    k = w.shape[2:]
    taps = [-(-k[i] // stride[i]) for i in range(nd)]
    w = lax.pad(w, zero, [(0, 0, 0)] * 2 + [(0, taps[i] * stride[i] - k[i], 0) for i in range(nd)])
    # (g, in/g, out/g, T1, s1, T2, s2, ...) -> (T1, T2, ..., g, in/g, s1, s2, ..., out/g), taps reversed
    shape = (groups, cin_g, cout_g) + sum(((taps[i], stride[i]) for i in range(nd)), ())
    perm = tuple(3 + 2 * i for i in range(nd)) + (0, 1) + tuple(4 + 2 * i for i in range(nd)) + (2,)
    w = jnp.flip(jnp.transpose(w.reshape(shape), perm), axis=tuple(range(nd)))
    w = w.reshape((math.prod(taps), groups, cin_g, math.prod(stride) * cout_g))
    size = x.shape[2:]
    out = [(size[i] - 1) * stride[i] - 2 * padding[i] + k[i] + output_padding[i] for i in range(nd)]
    # phases long enough to cover padding + out (output_padding may reach past the last input's taps: zeros)
    extra = [max(0, -(-(k[i] + output_padding[i] - padding[i] - taps[i] * stride[i]) // stride[i])) for i in range(nd)]
    m = tuple(size[i] + taps[i] - 1 + extra[i] for i in range(nd))
    xl = jnp.moveaxis(x, 1, -1)
    xl = lax.pad(
        xl, jnp.zeros((), x.dtype), [(0, 0, 0)] + [(taps[i] - 1, m[i] - size[i], 0) for i in range(nd)] + [(0, 0, 0)]
    )
    cols = [
        lax.slice(xl, (0,) + off + (0,), (n,) + tuple(o + mi for o, mi in zip(off, m)) + (cin,))
        for off in np.ndindex(*taps)
    ]
    patches = jnp.stack(cols, axis=-2).reshape((n,) + m + (len(cols), groups, cin_g))
    # contract (taps, in/g), batch over groups: (g, n, *m, s1 * s2 * ... * out/g)
    z = lax.dot_general(patches, w, (((nd + 1, nd + 3), (0, 2)), ((nd + 2,), (1,))))
    z = z.reshape((groups, n) + m + tuple(stride) + (cout_g,))
    # (g, n, M1, M2, ..., s1, s2, ..., out/g) -> (n, g, out/g, M1, s1, M2, s2, ...): position q = M * s + phase
    perm = (1, 0, 2 + 2 * nd) + sum(((2 + i, 2 + nd + i) for i in range(nd)), ())
    z = jnp.transpose(z, perm).reshape((n, groups * cout_g) + tuple(m[i] * stride[i] for i in range(nd)))
    y = lax.slice(z, (0, 0) + padding, (n, groups * cout_g) + tuple(padding[i] + out[i] for i in range(nd)))
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * nd)
    return y


def conv_transpose_unit_stride(x, weight, bias, padding, output_padding, groups, dilation):
    """A stride-1 transposed convolution as the convolution with the flipped, (out, in/groups)-ordered kernel."""
    nd = weight.ndim - 2
    cin, cout_g, k = weight.shape[0], weight.shape[1], weight.shape[2:]
    w = jnp.swapaxes(weight.reshape((groups, cin // groups, cout_g) + k), 1, 2)
    w = jnp.flip(w.reshape((groups * cout_g, cin // groups) + k), axis=tuple(range(2, 2 + nd)))
    full = [dilation[i] * (k[i] - 1) - padding[i] for i in range(nd)]
    spatial = "DHW"[-nd:]
    y = lax.conv_general_dilated(
        x,
        w,
        (1,) * nd,
        [(full[i], full[i] + output_padding[i]) for i in range(nd)],
        rhs_dilation=dilation,
        dimension_numbers=("NC" + spatial, "OI" + spatial, "NC" + spatial),
        feature_group_count=groups,
    )
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * nd)
    return y


def conv_transpose_output_padding(x, output_size, stride, padding, kernel_size, dilation):
    """The output_padding that makes ConvTranspose's output `output_size` (torch's `_output_padding`)."""
    nd = len(kernel_size)
    output_size = tuple(output_size)[-nd:]
    result = []
    for i in range(nd):
        smallest = (x.shape[x.ndim - nd + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel_size[i] - 1) + 1
        if not smallest <= output_size[i] < smallest + stride[i]:
            raise ValueError(
                f"requested output size {output_size} is not reachable: dimension {i} must lie in "
                f"[{smallest}, {smallest + stride[i] - 1}]"
            )
        result.append(output_size[i] - smallest)
    return tuple(result)


class TorchConv(nnx.Module):
    """nn.Conv1d/2d/3d: torch layout weight (out, in/groups, *k), channels-first input."""

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        *,
        ndim,
        rngs: nnx.Rngs,
    ):
        k = ntuple(kernel_size, ndim)
        self.kernel_size, self.stride, self.dilation = k, ntuple(stride, ndim), ntuple(dilation, ndim)
        self.padding = padding if isinstance(padding, str) else ntuple(padding, ndim)
        self.groups, self.padding_mode = groups, padding_mode
        self.in_channels, self.out_channels = in_channels, out_channels  # torch's attributes (subclasses read them)
        bound = 1.0 / math.sqrt(in_channels // groups * math.prod(k))
        self.weight = nnx.Param(torch_uniform(rngs.params(), (out_channels, in_channels // groups) + k, bound))
        self.bias = nnx.Param(torch_uniform(rngs.params(), (out_channels,), bound)) if bias else None

    def __call__(self, x):
        bias = self.bias[...] if self.bias is not None else None
        return torch_conv(
            x, self.weight[...], bias, self.stride, self.padding, self.dilation, self.groups, self.padding_mode
        )


class TorchConvTranspose(nnx.Module):
    """nn.ConvTranspose1d/2d/3d: torch layout weight (in, out/groups, *k), channels-first input."""

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups=1,
        bias=True,
        dilation=1,
        padding_mode="zeros",
        *,
        ndim,
        rngs: nnx.Rngs,
    ):
        k = ntuple(kernel_size, ndim)
        self.kernel_size, self.stride, self.padding = k, ntuple(stride, ndim), ntuple(padding, ndim)
        self.output_padding, self.groups, self.dilation = ntuple(output_padding, ndim), groups, ntuple(dilation, ndim)
        self.in_channels, self.out_channels = in_channels, out_channels
        bound = 1.0 / math.sqrt(out_channels // groups * math.prod(k))
        self.weight = nnx.Param(torch_uniform(rngs.params(), (in_channels, out_channels // groups) + k, bound))
        self.bias = nnx.Param(torch_uniform(rngs.params(), (out_channels,), bound)) if bias else None

    def __call__(self, x, output_size=None):
        bias = self.bias[...] if self.bias is not None else None
        output_padding = self.output_padding
        if output_size is not None:
            output_padding = conv_transpose_output_padding(
                x, output_size, self.stride, self.padding, self.kernel_size, self.dilation
            )
        return torch_conv_transpose(
            x, self.weight[...], bias, self.stride, self.padding, output_padding, self.groups, self.dilation
        )
