"""Activation checkpointing: torch.utils.checkpoint.checkpoint(fn, *args) -> jax.checkpoint(fn)(*args).

Both recompute fn's activations in the backward pass instead of storing them: the values and gradients are those
of fn(*args), only memory and time change. torch's switches for how it recomputes have no JAX counterpart to set
(`use_reentrant`, `preserve_rng_state`: a JAX function draws from the keys it is given, so its recomputation
draws the same numbers). State that fn updates (BatchNorm's running statistics in training) cannot leave a
jax.checkpoint: Flax raises a TraceContextError there, loudly (torch updates those statistics twice, once more in
the recomputation)."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import call

NO_EFFECT = ("use_reentrant", "preserve_rng_state", "determinism_check", "debug")


@register
class ActivationCheckpoint(CallRule):
    """torch.utils.checkpoint.checkpoint(fn, *args, use_reentrant=False) -> jax.checkpoint(fn)(*args)."""

    targets = ("torch.utils.checkpoint.checkpoint",)
    examples = [
        Example(
            torch="self.fc = nn.Linear(4, 4)\ny = torch.utils.checkpoint.checkpoint(self.fc, x, use_reentrant=False)",
            jax="self.fc = nnx.Linear(4, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs)\n"
            "y = jax.checkpoint(self.fc)(x)",
            inputs={"x": (2, 4)},
        ),
        # a closure over the module and several inputs (torchvision's DenseNet bottleneck)
        Example(
            torch="self.fc = nn.Linear(6, 3)\nclosure = lambda *inputs: self.fc(torch.cat(inputs, 1))\n"
            "y = torch.utils.checkpoint.checkpoint(closure, *[x, x[:, :2]], use_reentrant=False, "
            "preserve_rng_state=True)",
            jax="self.fc = nnx.Linear(6, 3, kernel_init=torch_kernel_init, bias_init=torch_bias_init(6), rngs=rngs)\n"
            "closure = lambda *inputs: self.fc(jnp.concatenate(inputs, 1))\n"
            "y = jax.checkpoint(closure)(*[x, x[:, :2]])",
            inputs={"x": (2, 4)},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        args = list(node.args)
        if not args or args[0].keyword is not None or args[0].star:
            return None
        rest = []
        for a in args[1:]:
            if a.keyword is None:
                rest.append(a)
            elif a.keyword.value not in NO_EFFECT:
                return None  # context_fn and others: kept, and marked
        ctx.use("jax")
        return call(call("jax.checkpoint", [args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)]), rest)
