"""`isinstance(m, nn.Conv2d)`: a type test against a torch layer class -> against the class(es) the rules
translate that layer into (nnx.Linear, TorchConv, (nnx.LayerNorm, TorchLayerNorm)...), as init loops and
`_init_weights(m)` dispatch on them.

One emitted class can stand for several torch ones (TorchConv for Conv1d/2d/3d, TorchBatchNorm for
BatchNorm1d/2d/3d): the test is exact only when the file names no other member of that family than the ones
tested; otherwise it is marked (it would also match the other dimensions' layers)."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import AttributeRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import expr

NN = "torch.nn."
FAMILIES = {
    "TorchConv": ("Conv1d", "Conv2d", "Conv3d"),
    "TorchConvTranspose": ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"),
    "TorchBatchNorm": ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"),
    "TorchInstanceNorm": ("InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"),
}
# torch layer -> the classes its translations are instances of (native first, then emitted helpers)
CLASSES: dict[str, tuple[str, ...]] = {
    **{name: (helper,) for helper, names in FAMILIES.items() for name in names},
    "Linear": ("nnx.Linear",),
    "LayerNorm": ("nnx.LayerNorm", "TorchLayerNorm"),
    "GroupNorm": ("TorchGroupNorm",),
    "Embedding": ("nnx.Embed", "TorchEmbedding"),
    "RMSNorm": ("nnx.RMSNorm",),
    "MultiheadAttention": ("TorchMultiheadAttention",),
    "LSTM": ("TorchLSTM",),
    "GRU": ("TorchGRU",),
    "RNN": ("TorchRNN",),
}


def _family_covered(name: str, tested: frozenset[str], ctx: Context) -> bool:
    """The file names no member of `name`'s family that this test does not also test."""
    family = next((names for names in FAMILIES.values() if name in names), (name,))
    return all(NN + other in tested for other in family if NN + other in ctx.info.torch_layers)


@register
class LayerTypeTest(AttributeRule):
    """`isinstance(m, (nn.Conv2d, nn.LayerNorm))` -> `isinstance(m, (TorchConv, (nnx.LayerNorm,
    TorchLayerNorm)))`: the translated layer classes."""

    targets = tuple(NN + name for name in CLASSES)
    priority = 30  # before LayerClassValue (a layer class as a value becomes a lambda)
    examples = [
        Example(
            torch="self.conv = nn.Conv2d(3, 4, 3)\nself.fc = nn.Linear(4, 2)\n"
            "y = self.fc(self.conv(x).mean((2, 3))) * isinstance(self.conv, nn.Conv2d) "
            "+ isinstance(self.fc, (nn.Conv2d, nn.LayerNorm))",
            jax="self.conv = TorchConv(3, 4, 3, ndim=2, rngs=rngs)\n"
            "self.fc = nnx.Linear(4, 2, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\n"
            "y = self.fc(self.conv(x).mean((2, 3))) * isinstance(self.conv, TorchConv) "
            "+ isinstance(self.fc, (TorchConv, (nnx.LayerNorm, TorchLayerNorm)))",
            inputs={"x": [2, 3, 6, 6]},
        ),
        Example(  # the file builds Conv1d and Conv2d: TorchConv would match both, so the test stays marked
            torch="a = nn.Conv1d(2, 2, 1)\nb = nn.Conv2d(2, 2, 1)\ny = isinstance(a, nn.Conv2d)",
            jax="a = TorchConv(2, 2, 1, ndim=1, rngs=rngs)\nb = TorchConv(2, 2, 1, ndim=2, rngs=rngs)\n"
            "y = isinstance(a, TorchConv)  # t2j: not translated: isinstance(..., nn.Conv2d) in a file with other "
            "conv dimensions (TorchConv is all of them)",
            verify=False,
        ),
        Example(  # a layer class as a value, not a type test: LayerClassValue's lambda
            torch="norm = nn.GroupNorm",
            jax="norm = (lambda num_groups, num_channels, eps=1e-05, affine=True, *, rngs=None: "
            "TorchGroupNorm(num_groups, num_channels, eps=eps, affine=affine, rngs=rngs))",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node: cst.Attribute | cst.Name, ctx: Context, qualname: str | None) -> cst.BaseExpression | None:
        if ctx.type_test is None or qualname is None:
            return None
        name = qualname[len(NN) :]
        classes = [expr(c) if c.startswith("nnx.") else ctx.helper(c) for c in CLASSES[name]]
        out: cst.BaseExpression = (
            classes[0] if len(classes) == 1 else cst.Tuple(elements=[cst.Element(value=c) for c in classes])
        )
        if not _family_covered(name, ctx.type_test, ctx):
            helper = CLASSES[name][0]
            ctx.untranslated(
                node,
                f"isinstance(..., nn.{name}) in a file with other {_family_word(helper)} dimensions ({helper} is all of them)",
            )
        return out


def _family_word(helper: str) -> str:
    return {"TorchConv": "conv", "TorchConvTranspose": "transposed conv"}.get(helper, "norm")
