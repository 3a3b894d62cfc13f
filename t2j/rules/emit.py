"""Emit torch-semantics helpers (from the files of `t2j/rules/runtime/`) into a translated file, by name, with the
helpers they name and the imports they use."""

from __future__ import annotations

import ast
import functools
import re
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


# a top-level definition of a runtime file, as `_definitions` finds it (the index says which file to parse)
_DEFINITION = re.compile(r"^(?:def|class)\s+(\w+)|^(\w+)\s*=(?!=)", re.MULTILINE)


@functools.lru_cache(maxsize=1)
def helper_files() -> dict[str, Path]:
    """helper name -> the runtime file defining it, from a scan of the files' top-level lines (no parsing, so a
    translation that needs two helpers parses two files, not the package). A name defined twice is an error:
    helpers are emitted by name."""
    where: dict[str, Path] = {}
    for path in sorted(_RUNTIME.glob("*.py")):
        if path.name == "__init__.py":
            continue
        for match in _DEFINITION.finditer(path.read_text()):
            name = match.group(1) or match.group(2)
            if name in where:
                raise ValueError(
                    f"runtime helper {name!r} is defined twice (again in {path.name}); "
                    "helpers are emitted by name, so each name must be unique across t2j/rules/runtime/"
                )
            where[name] = path
    return where


@functools.lru_cache(maxsize=None)
def _file_helpers(path: Path) -> dict[str, HelperDef]:
    """Every top-level function/class (and `name = ...` constant, such as an initializer) of one runtime file with
    its source and the helpers/imports it names."""
    names = set(helper_files())
    text = path.read_text()
    lines = text.splitlines()
    out = {}
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            name = node.name
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        else:
            continue
        start = node.lineno - 1 - len(getattr(node, "decorator_list", []))
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        out[name] = HelperDef(
            name=name,
            source="\n".join(lines[start : node.end_lineno]),
            uses=sorted((used & names) - {name}),
            imports=sorted(used & set(IMPORT_LINES)),
        )
    return out


def helper(name: str) -> HelperDef:
    """One helper by name (KeyError: no runtime file defines it)."""
    return _file_helpers(helper_files()[name])[name]


def load_helpers() -> dict[str, HelperDef]:
    """Every helper of the runtime package, by name."""
    return {name: helper(name) for name in helper_files()}


def resolve(names) -> list[HelperDef]:
    """The helpers `names` need, dependencies first, each once."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for dep in helper(name).uses:
            visit(dep)
        order.append(name)

    for name in sorted(names):
        visit(name)
    return [helper(n) for n in order]
