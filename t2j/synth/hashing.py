"""program_hash: a digest of the normalized program, so that renamed copies of one program collide.

Normalization parses both functions, drops comments, docstrings and the get_inputs() helper (input shapes are
data, not program), and alpha-renames every local name (function name, parameters, locals, nested functions and
lambda parameters) to v0, v1, ... in order of first appearance. Module names (torch, F, jnp, jax, math) and
attribute names are kept.
"""

from __future__ import annotations

import ast
import hashlib

KEEP = {"torch", "F", "jnp", "jax", "math", "np", "range", "len", "float", "int", "bool", "True", "False", "None"}


class _Renamer(ast.NodeTransformer):
    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def _new(self, name: str) -> str:
        if name in KEEP:
            return name
        if name not in self.names:
            self.names[name] = f"v{len(self.names)}"
        return self.names[name]

    def visit_FunctionDef(self, node: ast.FunctionDef):
        node.name = self._new(node.name)
        body = node.body
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(getattr(body[0], "value", None), ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
        self.generic_visit(node)
        return node

    def visit_arg(self, node: ast.arg):
        node.arg = self._new(node.arg)
        node.annotation = None
        return node

    def visit_Name(self, node: ast.Name):
        node.id = self._new(node.id)
        return node


def normalize(code: str, drop: tuple[str, ...] = ("get_inputs",)) -> str:
    """The canonical text of a module: imports dropped, helper functions dropped, names alpha-renamed."""
    tree = ast.parse(code)
    body = [
        node
        for node in tree.body
        if not isinstance(node, (ast.Import, ast.ImportFrom))
        and not (isinstance(node, ast.FunctionDef) and node.name in drop)
    ]
    module = ast.Module(body=body, type_ignores=[])
    module = _Renamer().visit(module)
    return ast.unparse(module)


def program_hash(torch_code: str, jax_code: str) -> str:
    digest = hashlib.sha256()
    digest.update(normalize(torch_code).encode())
    digest.update(b"\0")
    digest.update(normalize(jax_code).encode())
    return digest.hexdigest()
