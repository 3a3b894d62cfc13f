"""Reading and checking the inputs the user gives t2j (shared by translate, verify and migrate).

Every check raises `BadInput` with a one-line message that says what to do next; nothing here imports torch,
jax or the LLM client, so the CLI can check its inputs before paying for them.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

from t2j.errors import BadInput

_ENTRY_DIRECTIVE = re.compile(r"^#\s*t2j:\s*entry\s*=\s*([A-Za-z_]\w*)", re.MULTILINE)
HARNESS_FUNCTIONS = ("get_inputs", "get_init_inputs")  # the module convention (see STYLE.md)


def read_source(path: str | Path, what: str) -> str:
    """Read a Python file the user gave us, or raise BadInput saying what is wrong with it."""
    path = Path(path)
    if not path.exists():
        raise BadInput(f"{what} '{path}' does not exist")
    if not path.is_file():
        raise BadInput(f"{what} '{path}' is not a file")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise BadInput(f"{what} '{path}' is a binary file, not Python source")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{what} '{path}' is not UTF-8 text") from None
    if not text.strip():
        raise BadInput(f"{what} '{path}' is empty")
    return text


def parse_source(text: str, label: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        raise BadInput(f"{label} has a syntax error at line {exc.lineno}: {exc.msg}") from None


def top_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def defines_inputs(source: str | ast.Module) -> bool:
    """Whether a file defines `get_inputs()` at top level (the module convention the verifier runs on)."""
    tree = source if isinstance(source, ast.Module) else _parse_or_none(source)
    return tree is not None and "get_inputs" in top_level_names(tree)


def _parse_or_none(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


def find_entry(source: str, entry: str | None) -> str:
    """The entry's name: as given, else a `# t2j: entry=NAME` directive, else `Model`."""
    if entry:
        return entry
    match = _ENTRY_DIRECTIVE.search(source)
    return match.group(1) if match else "Model"


def check_reference(source: str, entry: str | None, label: str = "reference") -> str:
    """Validate a PyTorch problem file; return its entry name or raise BadInput."""
    tree = parse_source(source, label)
    entry = find_entry(source, entry)
    names = top_level_names(tree)
    if entry not in names:
        found = sorted(n for n in names if not n.startswith("_") and n not in HARNESS_FUNCTIONS)
        hint = f" (it defines: {', '.join(found[:8])})" if found else ""
        raise BadInput(f"{label} defines no '{entry}'{hint}; pass --entry NAME")
    if not defines_inputs(tree):
        raise BadInput(
            f"{label} has no get_inputs(): define get_inputs() returning the forward arguments "
            "(and get_init_inputs() for constructor arguments), or pass inputs from Python"
        )
    return entry


def load_source(source: Any) -> str:
    """Source text from a path, a string of code, or a live class/function/module (inspect.getsource)."""
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and source.endswith(".py")):
        return read_source(source, "input")
    if isinstance(source, str):
        return source
    try:
        text = inspect.getsource(source)
    except (TypeError, OSError) as exc:
        raise BadInput(f"cannot read the source of {source!r}: {exc}") from None
    return _with_module_imports(source, inspect.cleandoc("\n" + text) if text.startswith((" ", "\t")) else text)


def _with_module_imports(obj: Any, text: str) -> str:
    """A live object's source plus its module's import lines (so that `nn`, `F`, `torch` resolve)."""
    module = inspect.getmodule(obj)
    try:
        module_source = inspect.getsource(module) if module is not None else ""
    except (TypeError, OSError):
        module_source = ""
    imports = [line for line in module_source.splitlines() if line.startswith(("import ", "from "))]
    if not imports:
        imports = ["import torch", "import torch.nn as nn", "import torch.nn.functional as F"]
    return "\n".join(imports) + "\n\n\n" + text


def check_source(text: str) -> None:
    """Raise BadInput for empty text, a syntax error, or code that does not use torch."""
    if not text.strip():
        raise BadInput("input is empty: give a PyTorch .py file, source text, or a class/function")
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise BadInput(f"input has a syntax error at line {exc.lineno}: {exc.msg}") from None
    uses_torch = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "torch" for a in node.names):
            uses_torch = True
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "torch":
            uses_torch = True
    if not uses_torch:
        raise BadInput("input does not import torch: nothing to translate (give a PyTorch file)")


def load_checked(source: Any) -> str:
    """`load_source` then `check_source`: the text of a PyTorch input that parses and imports torch."""
    text = load_source(source)
    check_source(text)
    return text
