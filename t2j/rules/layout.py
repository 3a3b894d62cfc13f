"""Where the emitted helpers go: after the user's code, so that the reader meets their own model first.

A helper must exist before anything *runs* that uses it. Defining a function or a class runs only its
decorators, default values, bases and class-level statements; so the helpers section is placed before the
first top-level statement that may run user code or name a helper (a script's `model = Model()`, a training
loop, `if __name__ == "__main__":`), and at the very end of the file when there is none, as in a module file.
"""

from __future__ import annotations

import libcst as cst

# module aliases whose calls at the top level cannot reach user code or helpers (`rngs = nnx.Rngs(0)`)
LIBRARY_ROOTS = frozenset(
    {
        "jax",
        "jnp",
        "nnx",
        "np",
        "optax",
        "lax",
        "math",
        "functools",
        "numpy",
        "os",
        "sys",
        "typing",
        "dataclasses",
        "collections",
        "einops",
        "random",
        "time",
        "pathlib",
    }
)
BANNER = "# --- torch-semantics helpers emitted by t2j ---"


class _Eager(cst.CSTVisitor):
    """Finds, in the parts of a statement that run at import time, a helper name or a call of user code."""

    def __init__(self, helpers: set[str]):
        self.helpers = helpers
        self.eager = False

    def visit_Name(self, node: cst.Name) -> bool:
        if node.value in self.helpers:
            self.eager = True
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        root = node.func
        while isinstance(root, (cst.Attribute, cst.Call, cst.Subscript)):
            root = root.value if not isinstance(root, cst.Call) else root.func
        if not (isinstance(root, cst.Name) and root.value in LIBRARY_ROOTS):
            self.eager = True
        return True

    # bodies of functions and lambdas run later
    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _runs(nodes, helpers: set[str]) -> bool:
    finder = _Eager(helpers)
    for node in nodes:
        if node is not None:
            node.visit(finder)
    return finder.eager


def _definition_time(statement: cst.CSTNode) -> list[cst.CSTNode] | None:
    """What of a top-level statement runs when the module is imported; None: the whole statement does."""
    if isinstance(statement, cst.FunctionDef):
        params = statement.params
        defaults = [p.default for p in [*params.params, *params.kwonly_params, *params.posonly_params]]
        return [d.decorator for d in statement.decorators] + defaults
    if isinstance(statement, cst.ClassDef):
        parts: list[cst.CSTNode] = [d.decorator for d in statement.decorators] + [a.value for a in statement.bases]
        for inner in statement.body.body:
            inner_parts = _definition_time(inner)
            parts.extend([inner] if inner_parts is None else inner_parts)
        return parts
    if isinstance(statement, cst.SimpleStatementLine):
        if all(isinstance(s, (cst.Import, cst.ImportFrom, cst.Pass)) for s in statement.body):
            return []
        return None
    return None


def helpers_position(body: list[cst.BaseStatement], start: int, helpers: set[str]) -> int:
    """The index in `body` (at or after `start`, the end of the import block) where the helpers section goes."""
    for i in range(start, len(body)):
        statement = body[i]
        parts = _definition_time(statement)
        if parts is None:
            if isinstance(statement, cst.SimpleStatementLine) and not _runs([statement], helpers):
                continue  # a constant, or `rngs = nnx.Rngs(0)`
            return i
        if _runs(parts, helpers):
            return i
    return len(body)


def imports_end(body) -> int:
    """The index in `body` after the module docstring and the leading import block (where imports are added)."""
    i = 0
    if (
        body
        and isinstance(body[0], cst.SimpleStatementLine)
        and isinstance(body[0].body[0], cst.Expr)
        and isinstance(body[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    ):
        i = 1
    while (
        i < len(body)
        and isinstance(body[i], cst.SimpleStatementLine)
        and isinstance(body[i].body[0], (cst.Import, cst.ImportFrom))
    ):
        i += 1
    return i
