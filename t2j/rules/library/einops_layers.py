"""einops' torch layers -> the einops functions, which work on JAX arrays as they are.

`einops.layers.torch.Rearrange(pattern, **axes)` is a torch module (it calls `tensor.permute`); the same
operation on a JAX array is `einops.rearrange(x, pattern, **axes)`, kept as a partial so that it stays a
layer (inside nnx.Sequential, or as an attribute)."""

from __future__ import annotations

from t2j.rules.base import CallRule, Example, register
from t2j.rules.cstutil import arg, call, expr


@register
class EinopsLayers(CallRule):
    """`Rearrange(pattern, **axes)` / `Reduce(pattern, reduction, **axes)` (einops.layers.torch) ->
    `functools.partial(einops.rearrange | einops.reduce, pattern=..., [reduction=...,] **axes)`."""

    targets = ("einops.layers.torch.Rearrange", "einops.layers.torch.Reduce")
    examples = [
        Example(
            torch="self.patches = Rearrange('b c (h p) (w q) -> b (h w) (p q c)', p=2, q=2)\ny = self.patches(x)",
            jax="self.patches = functools.partial(einops.rearrange, pattern='b c (h p) (w q) -> b (h w) (p q c)', "
            "p=2, q=2)\ny = self.patches(x)",
            imports="from einops.layers.torch import Rearrange",
            inputs={"x": (2, 3, 4, 4)},
        ),
        Example(
            torch="self.pool = nn.Sequential(Reduce('b c h w -> b c', 'mean'), nn.Linear(3, 5))\ny = self.pool(x)",
            jax="self.pool = nnx.Sequential(functools.partial(einops.reduce, pattern='b c h w -> b c', "
            "reduction='mean'), nnx.Linear(3, 5, kernel_init=torch_kernel_init, bias_init=torch_bias_init(3), rngs=rngs))\ny = self.pool(x)",
            imports="from einops.layers.torch import Reduce",
            inputs={"x": (2, 3, 4, 4)},
        ),
    ]

    def rewrite(self, node, ctx, qualname):
        names = ["pattern", "reduction"] if qualname.endswith("Reduce") else ["pattern"]
        positional = [a for a in node.args if a.keyword is None and a.star == ""]
        if len(positional) > len(names) or any(a.star for a in node.args):
            return None
        args = [arg(expr(f"einops.{qualname.rsplit('.', 1)[-1].lower()}"))]
        args += [arg(a.value, name) for a, name in zip(positional, names)]
        args += [arg(a.value, a.keyword.value) for a in node.args if a.keyword is not None]
        ctx.use("functools", "einops")
        return call("functools.partial", args)
