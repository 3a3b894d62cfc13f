"""Reading the Python sources a user hands t2j: clear one-line errors (BadInput) for anything unusable."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from t2j.errors import BadInput

_ENTRY_DIRECTIVE = re.compile(r"^#\s*t2j:\s*entry\s*=\s*([A-Za-z_]\w*)", re.MULTILINE)


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
        found = sorted(n for n in names if not n.startswith("_") and n not in {"get_inputs", "get_init_inputs"})
        hint = f" (it defines: {', '.join(found[:8])})" if found else ""
        raise BadInput(f"{label} defines no '{entry}'{hint}; pass --entry NAME")
    if "get_inputs" not in names:
        raise BadInput(
            f"{label} has no get_inputs(): define get_inputs() returning the forward arguments "
            "(and get_init_inputs() for constructor arguments), or pass inputs from Python"
        )
    return entry
