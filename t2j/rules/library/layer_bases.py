"""Torch layers and containers as base classes of the user's own (`class Conv3DSimple(nn.Conv3d)`, `class
DenseBlock(nn.ModuleDict)`, `class MyLSTM(nn.LSTM)`): the emitted helper that takes torch's constructor
arguments and keeps torch's parameter and attribute names, so that the subclass's `super().__init__(...)` and its
own methods read what they read in torch. The layers that are also values (nn.BatchNorm2d passed as a factory)
are factories.LayerClassValue's."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import AttributeRule, Example, register

# torch layer -> (the emitted helper, the keywords the subclass's super().__init__ adds for it)
LAYER_BASES = {
    **{f"ConvTranspose{d}d": ("TorchConvTranspose", {"ndim": str(d)}) for d in (1, 2, 3)},
    "LSTM": ("TorchLSTM", {}),
    "GRU": ("TorchGRU", {}),
    "RNN": ("TorchRNN", {}),
    "MultiheadAttention": ("TorchMultiheadAttention", {}),
    "Bilinear": ("TorchBilinear", {}),
    "PReLU": ("TorchPReLU", {}),
}


@register
class LayerSubclassBase(AttributeRule):
    """`class Up(nn.ConvTranspose2d)` -> TorchConvTranspose (its super().__init__ gets `ndim=2`), `class
    Encoder(nn.LSTM)` -> TorchLSTM, and GRU/RNN/MultiheadAttention/Bilinear/PReLU likewise. Only as a base class
    (a call is the layer rules')."""

    targets = tuple(f"torch.nn.{name}" for name in LAYER_BASES)
    examples = [
        Example(
            torch="class Up(nn.ConvTranspose2d):\n    def __init__(self, c):\n        super().__init__(c, c, 2, stride=2)\n"
            "    def forward(self, x):\n        return super().forward(x).relu()",
            jax="class Up(TorchConvTranspose):\n    def __init__(self, c, *, rngs: nnx.Rngs):\n"
            "        super().__init__(c, c, 2, stride=2, ndim=2, rngs=rngs)\n"
            "    def __call__(self, x):\n        return jax.nn.relu(super().__call__(x))",
            verify=False,
        ),
        Example(
            torch="layers = [nn.LSTM(4, 8)]",
            jax="layers = [TorchLSTM(4, 8, rngs=rngs)]",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node, ctx, qualname):
        if not ctx.in_base:
            return None
        helper, arguments = LAYER_BASES[qualname.rsplit(".", 1)[1]]
        if ctx.classes:
            ctx.classes[-1].base_arguments.update(arguments)
        return ctx.helper(helper)


@register
class ContainerSubclassBase(AttributeRule):
    """`class DenseBlock(nn.ModuleDict)` -> TorchModuleDict (children added by `self.add_module(name, m)` or
    `self[name] = m`; `items()`/`keys()`/`values()` see them only, not the subclass's other attributes, as in
    torch); `class Blocks(nn.ModuleList)` -> nnx.List. Only as a base class (a call is Containers')."""

    targets = ("torch.nn.ModuleDict", "torch.nn.ModuleList")
    examples = [
        Example(
            torch="class Block(nn.ModuleDict):\n    def __init__(self, n):\n        super().__init__()\n"
            "        for i in range(n):\n            self.add_module('fc%d' % i, nn.Linear(4, 4))",
            jax="class Block(TorchModuleDict):\n    def __init__(self, n, *, rngs: nnx.Rngs):\n        super().__init__()\n"
            "        for i in range(n):\n            self.add_module('fc%d' % i, nnx.Linear(4, 4, "
            "kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs))",
            verify=False,
        ),
        Example(
            torch="ok = isinstance(m, nn.ModuleDict)",
            jax="ok = isinstance(m, nn.ModuleDict)  # t2j: not translated: torch.nn.ModuleDict",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, node, ctx, qualname):
        if not ctx.in_base:
            return None
        return ctx.helper("TorchModuleDict") if qualname.endswith("ModuleDict") else cst.parse_expression("nnx.List")
