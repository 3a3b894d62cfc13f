"""torch.optim optimizers -> nnx.Optimizer + an emitted optax chain with torch's weight-decay semantics
(the learning rate injected so that schedules can set it), and gradient clipping inside the train step."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import CallRule, Example, StatementRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, call, positional


OPTIMIZERS = {"SGD": "torch_sgd", "Adam": "torch_adam", "AdamW": "torch_adamw", "RMSprop": "torch_rmsprop"}


@register
class Optimizers(CallRule):
    """optim.SGD/Adam/AdamW/RMSprop(model.parameters(), ...) -> nnx.Optimizer(model, torch_adam(...),
    wrt=nnx.Param): Adam/SGD/RMSprop add L2 decay to the gradient, AdamW decouples it; the learning rate
    is injected so that schedulers can change it."""

    targets = tuple(f"torch.optim.{k}" for k in OPTIMIZERS)
    examples = [Example(torch="optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)",
                        jax="optimizer = nnx.Optimizer(model, torch_adam(lr=1e-3, weight_decay=1e-4), wrt=nnx.Param)",
                        verify=False)]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        pos = positional(node)
        params = pos[0].value if pos else None
        if not (isinstance(params, cst.Call) and isinstance(params.func, cst.Attribute)
                and params.func.attr.value == "parameters" and not params.args):
            return None
        model = params.func.value
        rest = [a for a in node.args if a is not pos[0] and not (a.keyword and a.keyword.value == "params")]
        ctx.use("optax", "nnx")
        helper = ctx.helper(OPTIMIZERS[qualname.rsplit(".", 1)[1]])
        return call("nnx.Optimizer", [arg(model), arg(call(helper, rest)), arg("nnx.Param", "wrt")])


@register
class RememberOptimizer(StatementRule):
    """Records which model each `opt = nnx.Optimizer(model, ...)` trains (for TrainStep); changes nothing."""

    priority = 50
    observes_only = True
    examples = [Example(torch="opt = torch.optim.SGD(net.parameters(), lr=0.1)\nfor i in range(3):\n    opt.zero_grad()\n    loss = net(x).mean()\n    loss.backward()\n    opt.step()",
                        jax="opt = nnx.Optimizer(net, torch_sgd(lr=0.1), wrt=nnx.Param)\n@nnx.jit\ndef train_step(net, opt):\n    def loss_fn(net):\n        loss = net(x).mean()\n        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(net)\n    opt.update(net, grads)\n    return loss\nfor i in range(3):\n    loss = train_step(net, opt)", verify=False)]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        small = node.body[0] if len(node.body) == 1 else None
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call) and \
                dotted(small.value.func) == "nnx.Optimizer" and small.value.args:
            target, model = dotted(small.targets[0].target), dotted(small.value.args[0].value)
            if target and model and "." not in model:
                ctx.optimizer_models[target] = model
        return None


def _clip_example(torch_call: str, jax_call: str) -> Example:
    return Example(
        torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor i in range(3):\n    optimizer.zero_grad()\n"
              f"    loss = model(x).mean()\n    loss.backward()\n    {torch_call}\n    optimizer.step()",
        jax="optimizer = nnx.Optimizer(model, torch_sgd(lr=0.1), wrt=nnx.Param)\n@nnx.jit\n"
            "def train_step(model, optimizer):\n    def loss_fn(model):\n        loss = model(x).mean()\n"
            "        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n"
            f"    grads = {jax_call}\n    optimizer.update(model, grads)\n    return loss\n"
            "for i in range(3):\n    loss = train_step(model, optimizer)", verify=False)


@register
class ClipGrads(CallRule):
    """`nn.utils.clip_grad_norm_(model.parameters(), max_norm)` / `clip_grad_value_(..., v)` between backward()
    and step() -> `grads = torch_clip_grad_norm(grads, max_norm)` / `torch_clip_grad_value(grads, v)` (torch's
    clipping, on the gradient pytree inside the jitted train step)."""

    helpers = {"clip_grad_norm_": "torch_clip_grad_norm", "clip_grad_value_": "torch_clip_grad_value"}
    targets = tuple(f"torch.nn.utils.{p}{name}" for name in helpers for p in ("", "clip_grad."))
    examples = [_clip_example("torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)",
                              "torch_clip_grad_norm(grads, 1.0)"),
                _clip_example("torch.nn.utils.clip_grad_value_(model.parameters(), 0.5)",
                              "torch_clip_grad_value(grads, 0.5)")]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        pos = positional(node)
        if not pos:
            return None
        rest = [a for a in node.args if a is not pos[0] and not (a.keyword and a.keyword.value == "parameters")]
        out = call(ctx.helper(self.helpers[qualname.rsplit(".", 1)[1]]), [arg("grads")] + rest)
        ctx.inplace[id(out)] = cst.Name("grads")  # as a statement: grads = torch_clip_grad_norm(grads, ...)
        return out
