"""Training loops: the zero_grad/backward/step pattern -> a jitted `nnx.value_and_grad` train step defined once
before the loops (gradient accumulation: t2j.rules.library.accumulation)."""

from __future__ import annotations

import re

import libcst as cst

from t2j.analyze.imports import dotted
from t2j.rules.base import BlockRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import code
from t2j.rules.names import _assigned_names, _names, _read_names, _reads_before_assignment


def _expr_call(statement, method: str) -> cst.Call | None:
    """The call of a statement `<x>.<method>(...)`."""
    if (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.Call)
    ):
        c = statement.body[0].value
        if isinstance(c.func, cst.Attribute) and c.func.attr.value == method:
            return c
    return None


def _with_recomputed(before: list, body: list, model: str | set[str]) -> list:
    """Earlier statements of the block that compute, from the model, values the loss uses (torch's autograd
    graph reaches back to them) are repeated inside the loss function so that JAX differentiates them too."""
    models = {model} if isinstance(model, str) else set(model)
    needed = set().union(*(_names(s) for s in body)) if body else set()
    copied = []
    for s in reversed(before):
        if not isinstance(s, cst.SimpleStatementLine):
            continue  # a loop or a block before the step (another model's training) is not the loss's graph
        assigned = set(_assigned_names([s]))
        if assigned & needed:
            names = _names(s)
            if models & names or names & {n for c in copied for n in _assigned_names([c])}:
                copied.insert(0, s)
                needed |= names
    return copied + body


@register
class TrainStep(BlockRule):
    """`opt.zero_grad(); <loss statements>; loss.backward(); opt.step()` -> a jitted train step: `@nnx.jit
    def train_step(model, optimizer, ...)` holding the loss function, `nnx.value_and_grad(..., has_aux=True)` and
    `optimizer.update(model, grads)`, called where the torch step was. HoistTrainStep moves the definition out of
    the loops (one trace, not one per iteration), turning the values the loops change into arguments."""

    examples = [
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor i in range(3):\n    optimizer.zero_grad()\n"
            "    out = model(x)\n    loss = ((out - y) ** 2).mean()\n    loss.backward()\n    optimizer.step()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n@nnx.jit\n"
            "def train_step(model, optimizer):\n    def loss_fn(model):\n        out = model(x)\n"
            "        loss = ((out - y) ** 2).mean()\n        return loss, (out,)\n"
            "    (loss, (out,)), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)\n"
            "    optimizer.update(model, grads)\n    return loss, out\nfor i in range(3):\n"
            "    loss, out = train_step(model, optimizer)",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.Adam(model.parameters())\nfor epoch in range(2):\n    for xb, yb in loader:\n"
            "        optimizer.zero_grad()\n        loss = ((model(xb) - yb) ** 2).mean()\n        loss.backward()\n"
            "        optimizer.step()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.adam)(learning_rate=1e-3), wrt=nnx.Param)\n@nnx.jit\n"
            "def train_step(model, optimizer, xb, yb):\n    def loss_fn(model):\n"
            "        loss = ((model(xb) - yb) ** 2).mean()\n        return loss\n"
            "    loss, grads = nnx.value_and_grad(loss_fn)(model)\n    optimizer.update(model, grads)\n"
            "    return loss\nfor epoch in range(2):\n    for xb, yb in loader:\n"
            "        loss = train_step(model, optimizer, xb, yb)",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor epoch in range(3):\n"
            "    predictions = model(x)\n    loss = ((predictions - y) ** 2).mean()\n    optimizer.zero_grad()\n"
            "    loss.backward()\n    optimizer.step()\n    print(loss.item())",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\n"
            "@nnx.jit\ndef train_step(model, optimizer):\n    def loss_fn(model):\n        predictions = model(x)\n"
            "        loss = ((predictions - y) ** 2).mean()\n        return loss, (predictions,)\n"
            "    (loss, (predictions,)), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)\n"
            "    optimizer.update(model, grads)\n    return loss, predictions\nfor epoch in range(3):\n"
            "    loss, predictions = train_step(model, optimizer)\n    print(loss.item())",
            verify=False,
        ),
        Example(
            torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nloss = model(x).mean()\nloss.backward()",
            jax="optimizer = nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=0.1), wrt=nnx.Param)\nloss = model(x).mean()\nloss.backward()  # t2j: not translated: loss.backward() (gradient accumulation or a pattern TrainStep does not cover)",
            verify=False,
            fires=False,
        ),
    ]

    def rewrite(self, statements: list[cst.BaseStatement], ctx: Context, earlier=()) -> list[cst.BaseStatement] | None:
        back = next((i for i, s in enumerate(statements) if _expr_call(s, "backward") is not None), None)
        if back is None:
            return None
        step = next(
            (i for i in range(back + 1, len(statements)) if _expr_call(statements[i], "step") is not None), None
        )
        if step is None:
            return None
        optimizer = statements[step].body[0].value.func.value
        loss_call = _expr_call(statements[back], "backward")
        loss = loss_call.func.value
        if loss_call.args or not isinstance(loss, cst.Name):
            return None
        opt_name = dotted(optimizer) or ""
        zero = [i for i in range(back) if _expr_call(statements[i], "zero_grad") is not None]
        model = _trained_by(opt_name, ctx, statements[:back])
        if model is None or "." in opt_name:
            return None
        start = zero[-1] + 1 if zero else 0
        models = set(ctx.optimizer_groups.get(opt_name, [model]))
        moved: list = []
        if zero and loss.value not in _assigned_names(statements[start:back]):
            # the forward and the loss computed before zero_grad() (zero_grad only clears .grad, so torch does
            # not care where it is): the statements the loss depends on move into the loss function
            candidates = [s for i, s in enumerate(statements[:start]) if i not in zero]
            moved = _loss_slice(candidates, loss.value, models)
        body = _with_recomputed(
            list(earlier) + [s for s in statements[:start] if not _in(s, moved)],
            moved + list(statements[start:back]),
            models,
        )
        free, body = _model_free_first(body, models, loss.value)
        text = "".join(code(s) for s in statements)
        between = [s for s in statements[back + 1 : step] if _expr_call(s, "zero_grad") is None]
        on_grads = [s for s in between if "grads" in _names(s)]
        between = [s for s in between if s not in on_grads]
        jitted, batch_lines, call_line = _jitted_step(
            ctx, model, opt_name, body, loss.value, text, on_grads, backward=code(loss_call)
        )
        kept = [s for i, s in enumerate(statements[:start]) if i not in zero and not _in(s, moved)]
        # a kept statement that reads what the step now computes (a print of the predictions) runs after it
        computed = set(_assigned_names(moved))
        position = {id(s): i for i, s in enumerate(statements)}
        late = [
            s for s in kept if moved and position[id(s)] > position[id(moved[0])] and set(_read_names(s)) & computed
        ]
        kept_before = [s for s in kept if not _in(s, late)] + free
        after = late + [s for s in statements[step + 1 :] if _expr_call(s, "zero_grad") is None]
        # a second optimizer's step in the same block (GANs)
        after = self.rewrite(after, ctx, list(earlier) + list(statements[: step + 1])) or after
        ctx.use("nnx")
        return kept_before + [jitted] + batch_lines + [call_line] + between + after


def _in(statement, statements: list) -> bool:
    return any(statement is s for s in statements)


def _model_free_first(body: list, model: str | set[str], loss: str) -> tuple[list, list]:
    """(the leading statements of the loss body that do not depend on the model, the rest). Those (a latent
    batch drawn with its key split, a target computed from the batch) run before the step, whose arguments their
    values become; inside the loss function a key split would read the key before it is bound."""
    dependent = {model} if isinstance(model, str) else set(model)
    free, rest = [], []
    for s in body:
        assigned = set(_assigned_names([s]))
        if rest or loss in assigned or set(_read_names(s)) & dependent:
            rest.append(s)
            dependent |= assigned
        else:
            free.append(s)
    return (free, rest) if rest else ([], body)


def _loss_slice(candidates: list, loss: str, model: str | set[str]) -> list:
    """The statements among `candidates` that compute `loss` from the model: walking back from the loss, a
    statement is taken when it assigns a name still needed and reads the model or a value taken before."""
    models = {model} if isinstance(model, str) else set(model)
    needed, taken = {loss}, []
    for s in reversed(candidates):
        assigned = set(_assigned_names([s]))
        if not assigned & needed:
            continue
        names = _names(s)
        if models & names or names & {n for t in taken for n in _assigned_names([t])} or loss in assigned:
            taken.insert(0, s)
            needed |= names - assigned
    return taken


MODEL_NAME = re.compile(r"(model|net|network|encoder|decoder|generator|discriminator|classifier)", re.IGNORECASE)


def _trained_by(opt_name: str, ctx, statements: list) -> str | None:
    """The model an optimizer trains: from `opt = nnx.Optimizer(model, ...)` seen earlier, else from a
    `torch.optim.X(model.parameters())` anywhere in the file with the same names (a train function that receives
    both), else the one model-like name the loss statements call (`def train_epoch(net, loader, opt, ...)`)."""
    if opt_name in ctx.optimizer_models:
        return ctx.optimizer_models[opt_name]
    called: list[str] = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node):
            if isinstance(node.func, cst.Name) and node.func.value not in called:
                called.append(node.func.value)

    for s in statements:
        s.visit(Calls())
    known = ctx.info.optimizers.get(opt_name)
    if known in called:
        model = known
    else:
        candidates = [n for n in called if MODEL_NAME.search(n) and n not in ctx.info.top_level_names]
        if len(candidates) != 1:
            return None
        model = candidates[0]
    ctx.optimizer_models[opt_name] = model
    return model


NOT_DATA = frozenset(
    {
        "nnx",
        "jax",
        "jnp",
        "np",
        "optax",
        "print",
        "len",
        "range",
        "float",
        "int",
        "sum",
        "min",
        "max",
        "abs",
        "tuple",
        "list",
        "dict",
        "zip",
        "enumerate",
        "isinstance",
        "True",
        "False",
        "None",
    }
)


def _jitted_step(
    ctx,
    model: str,
    opt_name: str,
    body: list,
    loss: str,
    text: str,
    on_grads: list,
    update: bool = True,
    backward: str | None = None,
    apply: str | None = None,
):
    """(the `@nnx.jit` step function, the batch lines before its call, the call). With `update`, the step
    applies the optimizer and returns the loss and the loss function's other values; without (gradient
    accumulation), it returns the gradients first. `apply`: the update lines of a step without optimizer
    (a hand-written SGD), in place of `opt.update(model, grads)`."""
    group = ctx.optimizer_groups.get(opt_name, [model]) if opt_name else [model]
    trained = group[0] if len(group) == 1 else f"({', '.join(group)})"  # what the optimizer updates
    aux = [n for n in _assigned_names(body) if n != loss and n not in group]
    loss_fn = _fresh("loss_fn", text)
    step_fn = "train_step" if update else "grad_step"
    if step_fn in text or step_fn in ctx.train_steps:
        step_fn = _fresh(f"{step_fn}_{opt_name}", text + " ".join(ctx.train_steps))
    # other trained models the loss reads (a GAN's discriminator) are arguments too: nnx.jit must see
    # every module whose state it may change
    used = set().union(*(_names(s) for s in body)) if body else set()
    others = [m for o, m in ctx.optimizer_models.items() if m not in group and m in used]
    params = list(group) + ([opt_name] if update and apply is None else []) + list(dict.fromkeys(others))
    body, batches = _extract_batches(body, set(params) | set(_assigned_names(body)), text)
    params += [name for name, _ in batches]
    # a value the loss body reads and then rebinds (an RNN's hidden state carried across batches): the step
    # takes it as an argument, the loss function too (it binds the name, so it cannot close over it)
    carried = [
        n for n in _reads_before_assignment(body) if n in _assigned_names(body) and n not in params and n not in group
    ]
    params += carried
    batch_lines = [cst.parse_statement(f"{name} = {code(value)}\n") for name, value in batches]
    # several models: one gradient each; part of the models: the gradient of what the optimizer trains
    # (`optimizer.wrt`, a filter over the model or over the tuple of models)
    filtered = opt_name in ctx.optimizer_filtered
    argnums = (
        [f"argnums=nnx.DiffState(0, {opt_name}.wrt)"]
        if filtered
        else [f"argnums=({', '.join(str(i) for i in range(len(group)))})"]
        if len(group) > 1
        else []
    )
    returned = f"{loss}, ({', '.join(aux)},)" if aux else loss
    options = ", ".join([loss_fn] + argnums + (["has_aux=True"] if aux else []))
    differentiated = ", ".join([trained if filtered else ", ".join(group)] + carried)
    grad_line = f"{f'({returned})' if aux else loss}, grads = nnx.value_and_grad({options})({differentiated})"
    loss_params = ", ".join(group)
    if filtered and len(group) > 1:
        loss_params = _fresh("models", text)
        body = [cst.parse_statement(f"{', '.join(group)} = {loss_params}\n")] + list(body)
    loss_params = ", ".join([loss_params] + carried)
    results = ", ".join(([] if update else ["grads"]) + [loss] + aux)
    fn = cst.parse_statement(f"def {loss_fn}({loss_params}):\n    return {returned}\n")
    fn = fn.with_changes(body=fn.body.with_changes(body=list(body) + list(fn.body.body)))
    apply = apply if apply is not None else f"    {opt_name}.update({trained}, grads)\n" if update else ""
    jitted = cst.parse_statement(
        f"@nnx.jit\ndef {step_fn}({', '.join(params)}):\n    {grad_line}\n{apply}    return {results}\n"
    )
    inner = list(jitted.body.body)
    jitted = jitted.with_changes(body=jitted.body.with_changes(body=[fn, inner[0]] + list(on_grads) + inner[1:]))
    sources = {name: name for name in params} | {name: code(value) for name, value in batches}
    local = set(_assigned_names([jitted])) | {loss_fn, "grads", *loss_params.split(", ")}
    closure = [n for n in _read_names(jitted.body) if n not in sources and n not in local and n not in NOT_DATA]
    # which step parameter holds which torch value (an expression of the torch loop's names, valued where the
    # torch backward() ran): emitted as data with the code (t2j.verify.recording replays the step from it)
    ctx.step_mappings[step_fn] = {
        "step": step_fn,
        "kind": "train" if update else "grad",
        "model": model,
        **({"models": list(group)} if len(group) > 1 else {}),
        "optimizer": opt_name if update and opt_name else None,
        # a carried value is not recorded: at torch's backward() its name already holds the step's output, so
        # the replay lets the translation carry it from the replayed steps
        "args": {k: v for k, v in sources.items() if k not in carried},
        **({"carried": carried} if carried else {}),
        "closure": closure,
        "line": ctx.backward_lines.get(backward, 0) if backward else 0,
    }
    targets = results if update else results.replace("grads", "micro_grads", 1)
    call_line = cst.parse_statement(f"{targets} = {step_fn}({', '.join(params)})\n")
    ctx.train_steps.add(step_fn)
    ctx.use("nnx")
    return jitted, batch_lines, call_line


def _extract_batches(body: list, inside: set[str], taken: str) -> tuple[list, list[tuple[str, cst.BaseExpression]]]:
    """Indexing that selects a batch (`x[i:i + 32]`, `tokens[batch]`) depends on Python values a jitted step must
    not trace (slice bounds must be static); it does not depend on the model, so it is computed before the step
    and the batch is passed in as an array."""
    found: dict[str, str] = {}  # code of the indexing -> its name
    batches: list[tuple[str, cst.BaseExpression]] = []

    class Extract(cst.CSTTransformer):
        def leave_Subscript(self, original, updated):
            index_names = set()
            for element in updated.slice:
                index = element.slice
                parts = [index.value] if isinstance(index, cst.Index) else [index.lower, index.upper, index.step]
                for part in parts:
                    if part is not None:
                        index_names.update(_read_names(part))
            if not index_names or not isinstance(updated.value, (cst.Name, cst.Attribute)):
                return updated
            if set(_read_names(updated)) & inside:
                return updated
            text = code(updated)
            if text not in found:
                base = updated.value.attr.value if isinstance(updated.value, cst.Attribute) else updated.value.value
                name = f"{base}_batch"
                while name in taken or name in found.values():
                    name += "_"
                found[text] = name
                batches.append((name, updated))
            return cst.Name(found[text])

    return [s.visit(Extract()) for s in body], batches


def _fresh(name: str, taken: str) -> str:
    while name in taken:
        name = "_" + name
    return name
