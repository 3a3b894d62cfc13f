"""Key threading: which top-level functions that draw random numbers take a jax.random key parameter, fresh from
each of their call sites (a module method's `self.rngs`, a module __init__'s `rngs`, the caller's own key chain),
as JAX code threads keys explicitly instead of torch's global generator advancing.

A function is left with its own fixed key (and marked by FunctionKey where it may run more than once) when some
use of it gets no fresh key: it is passed as a value (`collate_fn=f`, `map(f, xs)`: a third party calls it), or
called in a lambda or a nested function outside a module class, or in a plain class's method (one key split
before the statement would be reused by every call there). In a comprehension each iteration folds its index
into the key."""

from __future__ import annotations

import libcst as cst

KEY_NAMES = ("key", "rng")  # the parameter that carries the key (`rng` where `key` already names a parameter)

# where a call finds a fresh key: "rngs" (in a module class's methods), "chain" (top-level code and top-level
# functions: a key chain split before the statement), None (nowhere)
_MODULE_BODY = "module class body"


def unthreadable(module: cst.Module, module_classes: set[str], candidates: set[str]) -> tuple[set[str], set[str]]:
    """(candidates with a use that gets no fresh key, candidates passed as values). A reference of a function
    inside its own body (torchvision's `_log_api_usage_once(stochastic_depth)`) is not a use."""
    blocked: set[str] = set()
    as_values: set[str] = set()
    where: list[str | None] = ["chain"]
    own: list[str] = []  # the enclosing top-level function
    skip: set[int] = set()  # ids of names that are not value uses (attribute names, keywords, parameters)

    def nested(node: cst.CSTNode) -> None:
        # a comprehension's draws fold each iteration's index into the key (Context._per_iteration); a lambda's
        # body runs where no key is passed
        keeps = ("rngs",) if isinstance(node, cst.Lambda) else ("rngs", "chain")
        where.append(where[-1] if where[-1] in keeps else None)

    class Uses(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            skip.add(id(node.name))
            where.append(_MODULE_BODY if node.name.value in module_classes else None)

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            where.pop()

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            skip.add(id(node.name))
            outer = where[-1]
            if outer in (_MODULE_BODY, "rngs"):
                where.append("rngs")
            elif outer == "chain" and not own:
                where.append("chain")
                own.append(node.name.value)
                return
            else:
                where.append(None)
            own.append(own[-1] if own else "")

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            where.pop()
            own.pop()

        def visit_Lambda(self, node: cst.Lambda) -> None:
            nested(node)

        def leave_Lambda(self, original_node: cst.Lambda) -> None:
            where.pop()

        def visit_ListComp(self, node: cst.ListComp) -> None:
            nested(node)

        def leave_ListComp(self, original_node: cst.ListComp) -> None:
            where.pop()

        def visit_SetComp(self, node: cst.SetComp) -> None:
            nested(node)

        def leave_SetComp(self, original_node: cst.SetComp) -> None:
            where.pop()

        def visit_DictComp(self, node: cst.DictComp) -> None:
            nested(node)

        def leave_DictComp(self, original_node: cst.DictComp) -> None:
            where.pop()

        def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
            nested(node)

        def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
            where.pop()

        def visit_Attribute(self, node: cst.Attribute) -> None:
            skip.add(id(node.attr))

        def visit_Arg(self, node: cst.Arg) -> None:
            if node.keyword is not None:
                skip.add(id(node.keyword))

        def visit_Param(self, node: cst.Param) -> None:
            skip.add(id(node.name))

        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            if isinstance(func, cst.Name) and func.value in candidates:
                skip.add(id(func))
                if where[-1] not in ("rngs", "chain"):
                    blocked.add(func.value)

        def visit_Name(self, node: cst.Name) -> None:
            if id(node) in skip or node.value not in candidates or (own and own[0] == node.value):
                return
            as_values.add(node.value)

    module.visit(Uses())
    return blocked | as_values, as_values


def key_name(params: set[str]) -> str | None:
    """The name of the key parameter a function with these parameters gets (None: both names are taken)."""
    return next((name for name in KEY_NAMES if name not in params), None)
