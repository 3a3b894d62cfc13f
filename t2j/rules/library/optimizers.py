"""torch.optim optimizers -> nnx.Optimizer + an emitted optax chain with torch's weight-decay semantics
(the learning rate injected so that schedules can set it), and gradient clipping inside the train step."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import CallRule, Example, Rebind, StatementRule, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, code, expr, positional
from t2j.rules.library.parameter_groups import optimizer_target, param_modules


OPTIMIZERS = {"SGD": "torch_sgd", "Adam": "torch_adam", "AdamW": "torch_adamw", "RMSprop": "torch_rmsprop"}
# torch's parameter order (after params) of each optimizer
SIGNATURES = {
    "SGD": [
        "lr",
        "momentum",
        "dampening",
        "weight_decay",
        "nesterov",
        "maximize",
        "foreach",
        "differentiable",
        "fused",
    ],
    "Adam": [
        "lr",
        "betas",
        "eps",
        "weight_decay",
        "amsgrad",
        "foreach",
        "maximize",
        "capturable",
        "differentiable",
        "fused",
        "decoupled_weight_decay",
    ],
    "AdamW": [
        "lr",
        "betas",
        "eps",
        "weight_decay",
        "amsgrad",
        "maximize",
        "foreach",
        "capturable",
        "differentiable",
        "fused",
    ],
    "RMSprop": [
        "lr",
        "alpha",
        "eps",
        "weight_decay",
        "momentum",
        "centered",
        "capturable",
        "foreach",
        "maximize",
        "differentiable",
    ],
}
# arguments that change nothing numerically (implementation choices of torch's kernels)
IGNORED = {"foreach", "differentiable", "fused", "capturable"}


def _is_zero(node) -> bool:
    return node is None or (isinstance(node, (cst.Integer, cst.Float)) and float(node.value) == 0.0)


def _is_false(node) -> bool:
    return node is None or (isinstance(node, cst.Name) and node.value == "False")


def native_optimizer(name: str, b: dict) -> tuple[str, list[cst.Arg]] | None:
    """optax's own optimizer where it is torch's exactly, as (optax factory, keyword arguments); None where
    torch differs (SGD dampening, L2 weight decay added to the gradient, maximize, AMSGrad). The factory is
    wrapped in optax.inject_hyperparams so that schedulers (and OneCycleLR's momentum) can set its values."""
    if (
        not _is_false(b.get("maximize"))
        or not _is_false(b.get("amsgrad"))
        or not _is_false(b.get("decoupled_weight_decay"))
    ):
        return None
    lr = [arg(b.get("lr", expr("1e-3")), "learning_rate")]
    if name == "SGD":
        if not _is_zero(b.get("dampening")) or not _is_zero(b.get("weight_decay")):
            return None
        rest = [arg(b[k], k) for k in ("momentum", "nesterov") if k in b]
        return "optax.sgd", lr + rest  # torch's buffer starts at the first gradient: optax.trace from zeros
    betas = []
    if "betas" in b:
        pair = b["betas"]
        if not (
            isinstance(pair, (cst.Tuple, cst.List))
            and len(pair.elements) == 2
            and all(isinstance(e, cst.Element) for e in pair.elements)
        ):
            return None
        betas = [arg(pair.elements[0].value, "b1"), arg(pair.elements[1].value, "b2")]
    eps = [arg(b["eps"], "eps")] if "eps" in b else []  # torch's and optax's default eps are both 1e-8
    if name == "Adam":
        if not _is_zero(b.get("weight_decay")):
            return None
        return "optax.adam", lr + betas + eps
    if name == "AdamW":  # torch's default decay is 1e-2, optax's 1e-4: always say it
        return "optax.adamw", lr + betas + eps + [arg(b.get("weight_decay", expr("1e-2")), "weight_decay")]
    if not _is_zero(b.get("weight_decay")):
        return None
    # RMSprop: torch adds eps outside the square root and decays by alpha=0.99 (optax: inside, 0.9)
    out = lr + [
        arg(b.get("alpha", expr("0.99")), "decay"),
        arg(b.get("eps", expr("1e-8")), "eps"),
        arg("False", "eps_in_sqrt"),
    ]
    if "centered" in b:
        out.append(arg(b["centered"], "centered"))
    if not _is_zero(b.get("momentum")):
        out.append(arg(b["momentum"], "momentum"))
    return "optax.rmsprop", out


@register
class Optimizers(CallRule):
    """optim.SGD/Adam/AdamW/RMSprop(model.parameters(), ...) -> nnx.Optimizer(model, optax's optimizer, wrt=
    nnx.Param) where optax's is torch's exactly (SGD with dampening 0, Adam without weight decay, AdamW, RMSprop
    with torch's alpha and eps outside the square root), injected so that schedulers can set the learning rate;
    else an emitted optax chain with torch's semantics (Adam/SGD/RMSprop weight decay is L2 added to the
    gradient, SGD dampening, maximize, torch's AMSGrad)."""

    targets = tuple(f"torch.optim.{k}" for k in OPTIMIZERS)
    examples = [
        Example(
            torch="optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)",
            jax="optimizer = nnx.Optimizer(model, torch_adam(lr=1e-3, weight_decay=1e-4), wrt=nnx.Param)",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1, "
            "momentum=0.9, nesterov=True), wrt=nnx.Param)",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.AdamW(model.parameters(), 3e-4, betas=(0.9, 0.95))",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.adamw)(learning_rate=3e-4, "
            "b1=0.9, b2=0.95, weight_decay=1e-2), wrt=nnx.Param)",
            verify=False,
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        pos = positional(node)
        modules = param_modules(pos[0].value, ctx) if pos else None
        target = optimizer_target(modules, ctx) if modules else None
        if target is None:
            return None
        model, wrt = target
        rest = [a for a in node.args if a is not pos[0] and not (a.keyword and a.keyword.value == "params")]
        ctx.use("optax", "nnx")
        name = qualname.rsplit(".", 1)[1]
        bound = bind(node.with_changes(args=rest), SIGNATURES[name])
        native = (
            native_optimizer(name, {k: v for k, v in bound.items() if k not in IGNORED}) if bound is not None else None
        )
        if native is not None:
            factory, kwargs = native
            optimizer = call(call("optax.inject_hyperparams", [arg(factory)]), kwargs)
        else:
            optimizer = call(ctx.helper(OPTIMIZERS[name]), rest)
        return call("nnx.Optimizer", [arg(model), arg(optimizer), arg(wrt, "wrt")])


@register
class RememberOptimizer(StatementRule):
    """Records which model each `opt = nnx.Optimizer(model, ...)` trains (for TrainStep); changes nothing."""

    priority = 50
    observes_only = True
    examples = [
        Example(
            torch="opt = torch.optim.SGD(net.parameters(), lr=0.1)\nfor i in range(3):\n    opt.zero_grad()\n    loss = net(x).mean()\n    loss.backward()\n    opt.step()",
            jax="opt = nnx.Optimizer(net, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n@nnx.jit\ndef train_step(net, opt):\n    def loss_fn(net):\n        loss = net(x).mean()\n        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(net)\n    opt.update(net, grads)\n    return loss\nfor i in range(3):\n    loss = train_step(net, opt)",
            verify=False,
        )
    ]

    def rewrite(self, node: cst.SimpleStatementLine, ctx: Context) -> list[cst.BaseStatement] | None:
        small = node.body[0] if len(node.body) == 1 else None
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.value, cst.Call)
            and dotted(small.value.func) == "nnx.Optimizer"
            and small.value.args
        ):
            target, first = dotted(small.targets[0].target), small.value.args[0].value
            named = [dotted(e.value) for e in first.elements] if isinstance(first, cst.Tuple) else [dotted(first)]
            models = [m for m in named if m and "." not in m]
            if not target or not models or len(models) != len(named):
                return None
            ctx.optimizer_models[target] = models[0]
            if len(models) > 1:
                ctx.optimizer_groups[target] = models
            wrt = next((a.value for a in small.value.args if a.keyword and a.keyword.value == "wrt"), None)
            if wrt is not None and code(wrt) != "nnx.Param":
                ctx.optimizer_filtered.add(target)
        return None


def _clip_example(torch_call: str, jax_call: str) -> Example:
    return Example(
        torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor i in range(3):\n    optimizer.zero_grad()\n"
        f"    loss = model(x).mean()\n    loss.backward()\n    {torch_call}\n    optimizer.step()",
        jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n"
        "@nnx.jit\n"
        "def train_step(model, optimizer):\n    def loss_fn(model):\n        loss = model(x).mean()\n"
        "        return loss\n    loss, grads = nnx.value_and_grad(loss_fn)(model)\n"
        f"    grads = {jax_call}\n    optimizer.update(model, grads)\n    return loss\n"
        "for i in range(3):\n    loss = train_step(model, optimizer)",
        verify=False,
    )


@register
class ClipGrads(CallRule):
    """`nn.utils.clip_grad_norm_(model.parameters(), max_norm)` / `clip_grad_value_(..., v)` between backward()
    and step() -> `grads = torch_clip_grad_norm(grads, max_norm)` / `torch_clip_grad_value(grads, v)` (torch's
    clipping, on the gradient pytree inside the jitted train step)."""

    helpers = {"clip_grad_norm_": "torch_clip_grad_norm", "clip_grad_value_": "torch_clip_grad_value"}
    targets = tuple(f"torch.nn.utils.{p}{name}" for name in helpers for p in ("", "clip_grad."))
    examples = [
        _clip_example("torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)", "torch_clip_grad_norm(grads, 1.0)"),
        _clip_example("torch.nn.utils.clip_grad_value_(model.parameters(), 0.5)", "torch_clip_grad_value(grads, 0.5)"),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | Rebind | None:
        pos = positional(node)
        if not pos:
            return None
        rest = [a for a in node.args if a is not pos[0] and not (a.keyword and a.keyword.value == "parameters")]
        out = call(ctx.helper(self.helpers[qualname.rsplit(".", 1)[1]]), [arg("grads")] + rest)
        return Rebind(out, cst.Name("grads"))  # as a statement: grads = torch_clip_grad_norm(grads, ...)
