"""Load an evaluation benchmark: a folder with one sub-folder per problem.

Each problem folder holds `torch.py` (a PyTorch module or function in the `get_init_inputs()/get_inputs()`
convention, or a script) and optionally `jax_ref.py`, a reference JAX solution used for CodeBLEU, the
reference-based judge metrics and as the `reference` configuration.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from pydantic import BaseModel

from t2j.errors import BadInput

TORCH_FILE = "torch.py"
REFERENCE_FILE = "jax_ref.py"
_ENTRY_DIRECTIVE = re.compile(r"^#\s*t2j:\s*entry\s*=\s*([A-Za-z_]\w*)", re.MULTILINE)


class Problem(BaseModel):
    """One benchmark problem."""

    name: str
    path: str
    torch_code: str
    jax_ref: str | None = None
    entry: str = "Model"


def detect_entry(source: str) -> str:
    """The name the verifier should compare: a `# t2j: entry=NAME` directive, else `Model` when defined, else
    the first nn.Module subclass, else the first top-level function that is not an input helper."""
    directive = _ENTRY_DIRECTIVE.search(source)
    if directive:
        return directive.group(1)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "Model"
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    if any(c.name == "Model" for c in classes):
        return "Model"
    for cls in classes:
        for base in cls.bases:
            text = ast.unparse(base)
            if text.endswith("Module"):
                return cls.name
    helpers = {"get_inputs", "get_init_inputs"}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name not in helpers and not node.name.startswith("_"):
            return node.name
    return "Model"


def load_bench(path: str | Path, only: list[str] | None = None) -> list[Problem]:
    """Read every problem sub-folder of `path` (sorted by name). `only` keeps the named problems."""
    root = Path(path)
    if not root.is_dir():
        raise BadInput(f"benchmark folder '{root}' does not exist; pass a folder with one sub-folder per problem")
    problems = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        torch_file = folder / TORCH_FILE
        if not torch_file.is_file():
            continue
        torch_code = torch_file.read_text(encoding="utf-8")
        ref_file = folder / REFERENCE_FILE
        jax_ref = ref_file.read_text(encoding="utf-8") if ref_file.is_file() else None
        problems.append(
            Problem(
                name=folder.name,
                path=str(folder),
                torch_code=torch_code,
                jax_ref=jax_ref,
                entry=detect_entry(torch_code),
            )
        )
    if only:
        wanted = set(only)
        missing = wanted - {p.name for p in problems}
        if missing:
            raise BadInput(
                f"problem(s) {', '.join(sorted(missing))} not found in '{root}'; "
                f"available: {', '.join(p.name for p in problems[:10])}{' ...' if len(problems) > 10 else ''}"
            )
        problems = [p for p in problems if p.name in wanted]
    if not problems:
        raise BadInput(
            f"no problems in '{root}': each problem is a sub-folder holding '{TORCH_FILE}' "
            f"(and optionally '{REFERENCE_FILE}')"
        )
    return problems
