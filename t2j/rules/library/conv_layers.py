"""nn.Conv*d and nn.ConvTranspose*d -> the emitted torch-layout conv modules (weights port by name; channels-first
at the boundary). Each example is verified numerically (values and gradients), so every formulation the helpers
choose for speed (depthwise as shifted slices, 3D as batched 2D) is proven against torch."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call
from t2j.rules.library.layers import EmittedLayer


@register
class Conv(EmittedLayer):
    """nn.Conv1d/2d/3d -> TorchConv (weight (out, in/groups, *k), lax.conv_general_dilated on NC...)."""

    targets = ("torch.nn.Conv1d", "torch.nn.Conv2d", "torch.nn.Conv3d")
    helper = "TorchConv"
    examples = [
        Example(
            torch="self.conv = nn.Conv2d(3, 8, 3, padding=1)\ny = self.conv(x)",
            jax="self.conv = TorchConv(3, 8, 3, padding=1, ndim=2, rngs=rngs)\ny = self.conv(x)",
            inputs={"x": [2, 3, 8, 8]},
        ),
        Example(
            torch="self.conv = nn.Conv1d(4, 8, 3, stride=2, groups=2, bias=False)\ny = self.conv(x)",
            jax="self.conv = TorchConv(4, 8, 3, stride=2, groups=2, bias=False, ndim=1, rngs=rngs)\ny = self.conv(x)",
            inputs={"x": [2, 4, 16]},
        ),
        # depthwise (groups == in_channels, here with a channel multiplier of 2): shifted slices, not a grouped conv
        Example(
            torch="self.conv = nn.Conv2d(4, 8, 3, stride=2, padding=1, dilation=2, groups=4)\ny = self.conv(x)",
            jax="self.conv = TorchConv(4, 8, 3, stride=2, padding=1, dilation=2, groups=4, ndim=2, rngs=rngs)\n"
            "y = self.conv(x)",
            inputs={"x": [2, 4, 9, 8]},
        ),
        Example(
            torch="self.conv = nn.Conv1d(6, 6, 5, padding=2, groups=6, padding_mode='reflect')\ny = self.conv(x)",
            jax="self.conv = TorchConv(6, 6, 5, padding=2, groups=6, padding_mode='reflect', ndim=1, rngs=rngs)\n"
            "y = self.conv(x)",
            inputs={"x": [3, 6, 11]},
        ),
        # 3D: run as one batched 2D conv (depth taps stacked into channels); stride, padding, dilation, groups
        Example(
            torch="self.conv = nn.Conv3d(4, 6, (3, 2, 3), stride=(2, 1, 2), padding=(1, 0, 2), dilation=(2, 1, 1), "
            "groups=2)\ny = self.conv(x)",
            jax="self.conv = TorchConv(4, 6, (3, 2, 3), stride=(2, 1, 2), padding=(1, 0, 2), dilation=(2, 1, 1), "
            "groups=2, ndim=3, rngs=rngs)\ny = self.conv(x)",
            inputs={"x": [2, 4, 9, 5, 6]},
        ),
        Example(
            torch="self.conv = nn.Conv3d(3, 4, 4, padding='same', dilation=(1, 2, 1), bias=False)\ny = self.conv(x)",
            jax="self.conv = TorchConv(3, 4, 4, padding='same', dilation=(1, 2, 1), bias=False, ndim=3, rngs=rngs)\n"
            "y = self.conv(x)",
            inputs={"x": [2, 3, 6, 7, 5]},
        ),
    ]

    def extra_for(self, qualname):
        return {"ndim": qualname[-2]}


@register
class ConvTranspose(EmittedLayer):
    """nn.ConvTranspose1d/2d/3d -> TorchConvTranspose (weight (in, out/groups, *k))."""

    targets = ("torch.nn.ConvTranspose1d", "torch.nn.ConvTranspose2d", "torch.nn.ConvTranspose3d")
    helper = "TorchConvTranspose"
    examples = [
        Example(
            torch="self.up = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1)\ny = self.up(x)",
            jax="self.up = TorchConvTranspose(4, 2, 3, stride=2, padding=1, output_padding=1, ndim=2, rngs=rngs)\ny = self.up(x)",
            inputs={"x": [2, 4, 5, 5]},
        ),
        # by phases (one matmul over shifted slices): groups, dilation, a kernel the stride does not divide
        Example(
            torch="self.up = nn.ConvTranspose1d(6, 4, 5, stride=3, padding=2, output_padding=2, groups=2, "
            "dilation=2)\ny = self.up(x)",
            jax="self.up = TorchConvTranspose(6, 4, 5, stride=3, padding=2, output_padding=2, groups=2, dilation=2, "
            "ndim=1, rngs=rngs)\ny = self.up(x)",
            inputs={"x": [2, 6, 7]},
        ),
        Example(
            torch="self.up = nn.ConvTranspose3d(4, 3, (4, 3, 2), stride=(2, 1, 3), padding=(1, 1, 0), bias=False)\n"
            "y = self.up(x)",
            jax="self.up = TorchConvTranspose(4, 3, (4, 3, 2), stride=(2, 1, 3), padding=(1, 1, 0), bias=False, "
            "ndim=3, rngs=rngs)\ny = self.up(x)",
            inputs={"x": [2, 4, 3, 4, 3]},
        ),
        # output_size picks output_padding, as torch's _output_padding does
        Example(
            torch="self.up = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)\ny = self.up(x, output_size=[10, 9])",
            jax="self.up = TorchConvTranspose(4, 2, 3, stride=2, padding=1, ndim=2, rngs=rngs)\n"
            "y = self.up(x, output_size=[10, 9])",
            inputs={"x": [2, 4, 5, 5]},
        ),
    ]

    def extra_for(self, qualname):
        return {"ndim": qualname[-2]}


@register
class Unfold(CallRule):
    """F.unfold(x, kernel_size, dilation, padding, stride) -> torch_unfold (lax.conv_general_dilated_patches, whose
    feature order -- channel slowest, then the kernel's rows and columns -- is torch's C * kh * kw; the blocks
    flattened to L as torch does); nn.Unfold(...) -> functools.partial of it. `x.unfold(dim, size, step)`, the
    tensor method, is another operation and not this rule's."""

    targets = ("torch.nn.Unfold", "torch.nn.functional.unfold")
    examples = [
        Example(
            torch="self.unfold = nn.Unfold(kernel_size=4, stride=2)\ny = self.unfold(x)",
            jax="self.unfold = functools.partial(torch_unfold, kernel_size=4, stride=2)\ny = self.unfold(x)",
            inputs={"x": [2, 3, 8, 8]},
        ),
        Example(
            torch="y = F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=2)",
            jax="y = torch_unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=2)",
            inputs={"x": [2, 2, 7, 9]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        params = ["kernel_size", "dilation", "padding", "stride"]
        functional = qualname.endswith("functional.unfold")
        b = bind(node, ["input", *params] if functional else params)
        if b is None or "kernel_size" not in b:
            return None
        helper = ctx.helper("torch_unfold")
        if functional:
            return call(helper, node.args)
        ctx.use("functools")
        return call("functools.partial", [arg(helper)] + [arg(b[k], k) for k in params if k in b])
