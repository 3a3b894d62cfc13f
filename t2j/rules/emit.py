"""Emit torch-semantics helpers (from `t2j/rules/runtime.py`) into a translated file, with their dependencies."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from pydantic import BaseModel

_RUNTIME = Path(__file__).with_name("runtime.py")

# imports a helper may use, by the name it binds
IMPORT_LINES = {
    "jax": "import jax",
    "jnp": "import jax.numpy as jnp",
    "lax": "from jax import lax",
    "nnx": "from flax import nnx",
    "np": "import numpy as np",
    "math": "import math",
    "functools": "import functools",
    "optax": "import optax",
}


class HelperDef(BaseModel):
    name: str
    source: str
    uses: list[str]  # other helpers named in the source
    imports: list[str]  # import names (keys of IMPORT_LINES) the source uses


@functools.lru_cache(maxsize=1)
def load_helpers() -> dict[str, HelperDef]:
    """Every top-level function/class of runtime.py with its source and the helpers/imports it names."""
    text = _RUNTIME.read_text()
    tree = ast.parse(text)
    lines = text.splitlines()
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    names = {n.name for n in defs}
    out = {}
    for node in defs:
        start = node.lineno - 1 - len(getattr(node, "decorator_list", []))
        source = "\n".join(lines[start : node.end_lineno])
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        out[node.name] = HelperDef(
            name=node.name,
            source=source,
            uses=sorted((used & names) - {node.name}),
            imports=sorted(used & set(IMPORT_LINES)),
        )
    return out


def resolve(names) -> list[HelperDef]:
    """The helpers `names` need, dependencies first, each once."""
    helpers = load_helpers()
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for dep in helpers[name].uses:
            visit(dep)
        order.append(name)

    for name in sorted(names):
        visit(name)
    return [helpers[n] for n in order]
