"""Training scripts: optimizers -> nnx.Optimizer + optax (torch's weight-decay semantics), LR schedulers,
the zero_grad/backward/step pattern -> nnx.value_and_grad + optimizer.update, DataLoader -> NumPy batching,
torch.save/load -> a pickled pytree checkpoint."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import AttributeRule, BlockRule, CallRule, Example, MethodRule, StatementRule
from t2j.rules.cstutil import arg, call, code, expr, positional
from t2j.translation import Diagnostic

OPTIMIZERS = {"SGD": "torch_sgd", "Adam": "torch_adam", "AdamW": "torch_adamw", "RMSprop": "torch_rmsprop"}
SCHEDULERS = ("StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR", "OneCycleLR",
              "ReduceLROnPlateau")


class Optimizers(CallRule):
    """optim.SGD/Adam/AdamW/RMSprop(model.parameters(), ...) -> nnx.Optimizer(model, torch_adam(...),
    wrt=nnx.Param): Adam/SGD/RMSprop add L2 decay to the gradient, AdamW decouples it; the learning rate
    is injected so that schedulers can change it."""

    targets = tuple(f"torch.optim.{k}" for k in OPTIMIZERS)
    examples = [Example(torch="optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)",
                        jax="optimizer = nnx.Optimizer(model, torch_adam(lr=1e-3, weight_decay=1e-4), wrt=nnx.Param)",
                        verify=False)]

    def rewrite(self, node, ctx, qualname):
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


class Schedulers(CallRule):
    """optim.lr_scheduler.StepLR/MultiStepLR/ExponentialLR/CosineAnnealingLR/LambdaLR/OneCycleLR/
    ReduceLROnPlateau -> emitted schedulers with torch's formulas that set the optimizer's learning rate."""

    targets = tuple(f"torch.optim.lr_scheduler.{k}" for k in SCHEDULERS)
    examples = [Example(torch="scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)",
                        jax="scheduler = TorchStepLR(optimizer, step_size=5, gamma=0.5)", verify=False)]

    def rewrite(self, node, ctx, qualname):
        args = [a for a in node.args if not (a.keyword and a.keyword.value in ("verbose", "last_epoch"))]
        return call(ctx.helper("Torch" + qualname.rsplit(".", 1)[1]), args)


class Data(CallRule):
    """DataLoader -> NumpyLoader (NumPy shuffling), TensorDataset -> an indexable tuple of arrays."""

    targets = ("torch.utils.data.DataLoader", "torch.utils.data.TensorDataset")
    examples = [Example(torch="loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8, shuffle=True)",
                        jax="loader = NumpyLoader(TensorDataset(x, y), batch_size=8, shuffle=True)", verify=False)]

    def rewrite(self, node, ctx, qualname):
        if qualname.endswith("TensorDataset"):
            return call(ctx.helper("TensorDataset"), node.args)
        return call(ctx.helper("NumpyLoader"), node.args)


class DatasetBase(AttributeRule):
    """`class D(torch.utils.data.Dataset)` -> a plain class (NumpyLoader only needs __len__/__getitem__)."""

    targets = ("torch.utils.data.Dataset",)
    examples = []

    def rewrite(self, node, ctx, qualname):
        return expr("object")


class Checkpoints(CallRule):
    """torch.save(obj, path) -> save_checkpoint (a pickled pytree of NumPy arrays); torch.load -> load_checkpoint."""

    targets = ("torch.save", "torch.load")
    examples = [Example(torch="torch.save(model.state_dict(), 'm.pt')\nsd = torch.load('m.pt')\nmodel.load_state_dict(sd)",
                        jax="save_checkpoint(nnx.state(model), 'm.pt')\nsd = load_checkpoint('m.pt')\nload_state_dict(model, sd)",
                        verify=False)]

    def rewrite(self, node, ctx, qualname):
        if qualname.endswith("save"):
            return call(ctx.helper("save_checkpoint"), positional(node)[:2])
        return call(ctx.helper("load_checkpoint"), positional(node)[:1])


class StateDict(MethodRule):
    """model.state_dict() -> nnx.state(model); model.load_state_dict(sd) -> load_state_dict(model, sd)."""

    methods = ("state_dict", "load_state_dict")
    examples = []

    def rewrite(self, node, ctx, receiver, name):
        if name == "state_dict":
            if node.args:
                return None
            return call("nnx.state", [arg(receiver)])
        if not node.args:
            return None
        return call(ctx.helper("load_state_dict"), [arg(receiver), arg(node.args[0].value)])


def _expr_call(statement, method: str) -> cst.Call | None:
    """The call of a statement `<x>.<method>(...)`."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and \
            isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.Call):
        c = statement.body[0].value
        if isinstance(c.func, cst.Attribute) and c.func.attr.value == method:
            return c
    return None


def _assigned_names(statements) -> list[str]:
    names: list[str] = []

    class Visitor(cst.CSTVisitor):
        def visit_AssignTarget(self, node):
            for n in _target_names(node.target):
                if n not in names:
                    names.append(n)

        def visit_AugAssign(self, node):
            for n in _target_names(node.target):
                if n not in names:
                    names.append(n)

    for s in statements:
        s.visit(Visitor())
    return names


def _target_names(target) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        out = []
        for e in target.elements:
            out += _target_names(e.value)
        return out
    return []


def _names(node) -> set[str]:
    found: set[str] = set()

    class Visitor(cst.CSTVisitor):
        def visit_Name(self, n):
            found.add(n.value)

    node.visit(Visitor())
    return found


def _with_recomputed(before: list, body: list, model: str) -> list:
    """Earlier statements of the block that compute, from the model, values the loss uses (torch's autograd
    graph reaches back to them) are repeated inside the loss function so that JAX differentiates them too."""
    needed = set().union(*(_names(s) for s in body)) if body else set()
    copied = []
    for s in reversed(before):
        assigned = set(_assigned_names([s]))
        if assigned & needed:
            names = _names(s)
            if model in names or names & {n for c in copied for n in _assigned_names([c])}:
                copied.insert(0, s)
                needed |= names
    return copied + body


class TrainStep(BlockRule):
    """`opt.zero_grad(); <loss statements>; loss.backward(); opt.step()` ->
    a loss function of the model, `nnx.value_and_grad(..., has_aux=True)` and `opt.update(model, grads)`."""

    examples = [Example(
        torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor i in range(3):\n    optimizer.zero_grad()\n    out = model(x)\n    loss = ((out - y) ** 2).mean()\n"
              "    loss.backward()\n    optimizer.step()",
        jax="optimizer = nnx.Optimizer(model, torch_sgd(lr=0.1), wrt=nnx.Param)\nfor i in range(3):\n    def loss_fn(model):\n        out = model(x)\n        loss = ((out - y) ** 2).mean()\n"
            "        return loss, (out,)\n    (loss, (out,)), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)\n"
            "    optimizer.update(model, grads)", verify=False)]

    def rewrite(self, statements, ctx, earlier=()):
        back = next((i for i, s in enumerate(statements) if _expr_call(s, "backward") is not None), None)
        if back is None:
            return None
        step = next((i for i in range(back + 1, len(statements)) if _expr_call(statements[i], "step") is not None), None)
        if step is None:
            return None
        optimizer = statements[step].body[0].value.func.value
        loss_call = _expr_call(statements[back], "backward")
        loss = loss_call.func.value
        if loss_call.args or not isinstance(loss, cst.Name):
            return None
        model = ctx.optimizer_models.get(dotted(optimizer) or "")
        if model is None:
            return None
        zero = [i for i in range(back) if _expr_call(statements[i], "zero_grad") is not None]
        start = zero[-1] + 1 if zero else 0
        body = _with_recomputed(list(earlier) + list(statements[:start]), list(statements[start:back]), model)
        aux = [n for n in _assigned_names(body) if n != loss.value and n != model]
        name = "loss_fn"
        text = "".join(code(s) for s in statements)
        while name in text:
            name = "_" + name
        if aux:
            returned = f"{loss.value}, ({', '.join(aux)},)"
            fn = cst.parse_statement(f"def {name}({model}):\n    return {returned}\n")
            update = cst.parse_statement(f"({returned}), grads = nnx.value_and_grad({name}, has_aux=True)({model})\n")
        else:
            fn = cst.parse_statement(f"def {name}({model}):\n    return {loss.value}\n")
            update = cst.parse_statement(f"{loss.value}, grads = nnx.value_and_grad({name})({model})\n")
        fn = fn.with_changes(body=fn.body.with_changes(body=list(body) + list(fn.body.body)))
        apply = cst.parse_statement(f"{dotted(optimizer)}.update({model}, grads)\n")
        kept_before = [s for i, s in enumerate(statements[:start]) if i not in zero]
        between = [s for s in statements[back + 1:step] if _expr_call(s, "zero_grad") is None]
        after = [s for s in statements[step + 1:] if _expr_call(s, "zero_grad") is None]
        # a second optimizer's step in the same block (GANs)
        after = self.rewrite(after, ctx, list(earlier) + list(statements[:step + 1])) or after
        ctx.use("nnx")
        return kept_before + [fn, update] + between + [apply] + after


class RememberOptimizer(StatementRule):
    """Records which model each `opt = nnx.Optimizer(model, ...)` trains (for TrainStep); changes nothing."""

    priority = 50
    examples = []

    def rewrite(self, node, ctx):
        small = node.body[0] if len(node.body) == 1 else None
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call) and \
                dotted(small.value.func) == "nnx.Optimizer" and small.value.args:
            target, model = dotted(small.targets[0].target), dotted(small.value.args[0].value)
            if target and model and "." not in model:
                ctx.optimizer_models[target] = model
        return None


class Backward(MethodRule):
    """Remembers where each `loss.backward()` is (for LeftoverBackward); rewrites nothing."""

    methods = ("backward",)
    examples = []

    def rewrite(self, node, ctx, receiver, name):
        if ctx.original is not None:
            ctx.backward_lines[code(node)] = ctx.line_of(ctx.original)
        return None


class LeftoverBackward(BlockRule):
    """A `.backward()` / `.zero_grad()` / `.step()` that TrainStep could not fold into a train step
    (gradient accumulation, several optimizers...) is marked as not translated, with its line."""

    priority = -10
    examples = []

    def rewrite(self, statements, ctx):
        changed = False
        out = []
        for s in statements:
            c = _expr_call(s, "backward")
            if c is not None and not c.args and "t2j: not translated" not in code(s):
                line = ctx.backward_lines.get(code(c), 0)
                what = f"{code(c)} (gradient accumulation or a pattern TrainStep does not cover)"
                ctx.diagnostics.append(Diagnostic(line=line, message=f"not translated: {what}", snippet=code(c)))
                s = s.with_changes(trailing_whitespace=cst.TrailingWhitespace(
                    whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(f"# t2j: not translated: {what}")))
                changed = True
            out.append(s)
        return out if changed else None


class ClipGradNorm(CallRule):
    """`nn.utils.clip_grad_norm_(model.parameters(), max_norm)` between backward() and step() ->
    `grads = torch_clip_grad_norm(grads, max_norm)` (torch's scaling, on the gradient pytree)."""

    targets = ("torch.nn.utils.clip_grad_norm_", "torch.nn.utils.clip_grad.clip_grad_norm_")
    examples = [Example(
        torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor i in range(3):\n    optimizer.zero_grad()\n"
              "    loss = model(x).mean()\n    loss.backward()\n"
              "    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)\n    optimizer.step()",
        jax="optimizer = nnx.Optimizer(model, torch_sgd(lr=0.1), wrt=nnx.Param)\nfor i in range(3):\n"
            "    def loss_fn(model):\n        loss = model(x).mean()\n        return loss\n"
            "    loss, grads = nnx.value_and_grad(loss_fn)(model)\n    grads = torch_clip_grad_norm(grads, 1.0)\n"
            "    optimizer.update(model, grads)", verify=False)]

    def rewrite(self, node, ctx, qualname):
        pos = positional(node)
        if not pos:
            return None
        rest = [a for a in node.args if a is not pos[0] and not (a.keyword and a.keyword.value == "parameters")]
        out = call(ctx.helper("torch_clip_grad_norm"), [arg("grads")] + rest)
        ctx.inplace[id(out)] = cst.Name("grads")  # as a statement: grads = torch_clip_grad_norm(grads, ...)
        return out
