"""Modules frozen with `requires_grad`: `for p in model.backbone.parameters(): p.requires_grad = False` and
`model.backbone.requires_grad_(False)`, found before the rules run (the optimizer built after them must
leave the frozen parameters out of what it differentiates and updates)."""

from __future__ import annotations

import libcst as cst

from t2j.analyze.imports import dotted


def _flag(node: cst.BaseExpression | None) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def _requires_grad_call(node, receiver: str | None = None) -> tuple[str, bool] | None:
    """(the dotted receiver, the flag) of `<receiver>.requires_grad_(flag)`."""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
        return None
    if node.func.attr.value != "requires_grad_":
        return None
    name = dotted(node.func.value)
    if name is None or (receiver is not None and name != receiver):
        return None
    flag = _flag(node.args[0].value) if node.args else True
    return (name, flag) if flag is not None else None


def freeze_of_statement(statement) -> tuple[str, bool] | None:
    """(the dotted module, requires_grad) when `statement` sets requires_grad on every parameter of a module:
    a `for p in X.parameters():` loop that only sets `p.requires_grad`, or `X.requires_grad_(flag)`."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        return _requires_grad_call(small.value) if isinstance(small, cst.Expr) else None
    if not isinstance(statement, cst.For) or statement.orelse or not isinstance(statement.target, cst.Name):
        return None
    it = statement.iter
    if not (
        isinstance(it, cst.Call)
        and not it.args
        and isinstance(it.func, cst.Attribute)
        and it.func.attr.value == "parameters"
    ):
        return None
    module, param = dotted(it.func.value), statement.target.value
    flags = set()
    for s in statement.body.body:
        if not isinstance(s, cst.SimpleStatementLine) or len(s.body) != 1:
            return None
        small = s.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            flag = _flag(small.value)
            if dotted(target) != f"{param}.requires_grad" or flag is None:
                return None
            flags.add(flag)
        elif isinstance(small, cst.Expr) and (found := _requires_grad_call(small.value, param)) is not None:
            flags.add(found[1])
        else:
            return None
    return (module, flags.pop()) if module and len(flags) == 1 else None


def frozen_modules(module: cst.Module) -> tuple[set[str], set[str]]:
    """(modules frozen with requires_grad=False, modules whose requires_grad is also set back to True)."""
    frozen: set[str] = set()
    unfrozen: set[str] = set()

    class Visitor(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> None:
            self._note(node)

        def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
            self._note(node)

        def _note(self, node) -> None:
            found = freeze_of_statement(node)
            if found is not None:
                (unfrozen if found[1] else frozen).add(found[0])

    module.visit(Visitor())
    return frozen, unfrozen & frozen
