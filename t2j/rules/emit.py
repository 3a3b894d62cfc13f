"""Emit torch-semantics helpers (from the files of `t2j/rules/runtime/`) into a translated file, by name, with the
helpers they name and the imports they use."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from pydantic import BaseModel

_RUNTIME = Path(__file__).with_name("runtime")  # a package of helper files, read as text (never imported)

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
    "einops": "import einops",
}


class HelperDef(BaseModel):
    name: str
    source: str
    uses: list[str]  # other helpers named in the source
    imports: list[str]  # import names (keys of IMPORT_LINES) the source uses


@functools.lru_cache(maxsize=1)
def load_helpers() -> dict[str, HelperDef]:
    """Every top-level function/class (and `name = ...` constant, such as an initializer) of the runtime package's
    files with its source and the helpers/imports it names. A name defined twice is an error: helpers are emitted
    by name."""
    parsed = []
    for path in sorted(_RUNTIME.glob("*.py")):
        if path.name == "__init__.py":
            continue
        text = path.read_text()
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                parsed.append((path, node.name, lines, node))
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                parsed.append((path, node.targets[0].id, lines, node))
    names: set[str] = set()
    for path, name, _, node in parsed:
        if name in names:
            raise ValueError(
                f"runtime helper {name!r} is defined twice (again in {path.name}); "
                "helpers are emitted by name, so each name must be unique across t2j/rules/runtime/"
            )
        names.add(name)
    out = {}
    for path, name, lines, node in parsed:
        start = node.lineno - 1 - len(getattr(node, "decorator_list", []))
        source = "\n".join(lines[start : node.end_lineno])
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        out[name] = HelperDef(
            name=name,
            source=source,
            uses=sorted((used & names) - {name}),
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
