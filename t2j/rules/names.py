"""Which names a block of libcst statements binds and reads (the train-loop rules' bookkeeping)."""

from __future__ import annotations

import libcst as cst


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


def _read_names(node) -> list[str]:
    """Names read in `node`, in order of first appearance (attribute and keyword names excluded)."""
    seen: list[str] = []

    class Reader(cst.CSTVisitor):
        def visit_Name(self, n):
            if n.value not in seen:
                seen.append(n.value)

        def visit_Attribute(self, n):
            n.value.visit(self)
            return False

        def visit_Arg(self, n):
            n.value.visit(self)
            return False

    node.visit(Reader())
    return seen


def _loop_assigned(loop) -> set[str]:
    """Names a loop binds (its targets and assignments), not counting those inside nested functions."""
    names: set[str] = set()

    class Assigned(cst.CSTVisitor):
        def visit_FunctionDef(self, n):
            return False

        def visit_For(self, n):
            names.update(_target_names(n.target))

        def visit_AssignTarget(self, n):
            names.update(_target_names(n.target))

        def visit_AugAssign(self, n):
            names.update(_target_names(n.target))

        def visit_AnnAssign(self, n):
            names.update(_target_names(n.target))

        def visit_AsName(self, n):
            names.update(_target_names(n.name))

    loop.visit(Assigned())
    return names


def _reads_before_assignment(statements) -> list[str]:
    """Names the statements read before any of them binds the name (in order): values that come from outside.
    Assignment targets are not reads; a compound statement counts only the names it does not bind itself."""
    bound: set[str] = set()
    out: list[str] = []
    for s in statements:
        small = s.body[0] if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 else None
        if isinstance(small, cst.Assign):
            reads = _read_names(small.value) + [
                n
                for t in small.targets
                if not isinstance(t.target, (cst.Name, cst.Tuple, cst.List))
                for n in _read_names(t.target)
            ]
        elif small is not None:
            reads = _read_names(s)
        else:
            own = set(_assigned_names([s]))
            reads = [n for n in _read_names(s) if n not in own]
        out += [n for n in reads if n not in bound and n not in out]
        bound |= set(_assigned_names([s]))
    return out
