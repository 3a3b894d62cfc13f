"""After translating: no name may be left undefined and no torch name may stay unnoticed.

The rules rewrite what they know and drop the torch imports. Anything they did not rewrite (a torch API no
rule covers, a helper the file imported) would then be a `NameError` at the first call -- or worse, an
output that imports cleanly and fails only on the path that uses it. This pass reads the translation's
names (pyflakes) and, for each statement that still uses one:

- restores the source's import of a name the output still uses (the translator never removes an import
  the output needs), so the output fails loudly where the leftover is, not with a NameError elsewhere;
- marks the statement `# t2j: not translated: ...` and adds a diagnostic with its line, for every
  remaining reference to torch, torchvision, torchaudio or `einops.layers.torch`, and every name that is
  undefined and was not imported by the source either.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from pyflakes import checker, messages

from t2j.analyze.imports import is_torch as is_torch_module
from t2j.result import UNTRANSLATED_MARK, Diagnostic


@dataclass
class Binding:
    """A name bound by an import of the source: the import line that binds it, and what it stands for."""

    line: str
    target: str  # dotted module/object path

    @property
    def torch(self) -> bool:
        return is_torch_module(self.target)


def import_bindings(tree: ast.Module) -> dict[str, Binding]:
    """name -> the import that binds it, for every import statement of a module (at any depth)."""
    found: dict[str, Binding] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = Binding(f"import {alias.name} as {alias.asname}", alias.name)
                else:
                    root = alias.name.split(".")[0]
                    found.setdefault(root, Binding(f"import {alias.name}", root))
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module is not None
            or isinstance(node, ast.ImportFrom)
            and node.level
        ):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    continue
                local = alias.asname or alias.name
                text = f"from {module} import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                found[local] = Binding(text, f"{module}.{alias.name}")
    return found


def undefined_names(tree: ast.Module) -> list[tuple[str, int]]:
    """(name, line) for every use pyflakes finds undefined."""
    result = checker.Checker(tree, filename="translation.py")
    return [
        (m.message_args[0], m.lineno)
        for m in result.messages
        if isinstance(m, (messages.UndefinedName, messages.UndefinedLocal))
    ]


def _statement_starts(tree: ast.Module) -> dict[int, ast.stmt]:
    """line -> the innermost statement covering it (decorators included)."""
    covering: dict[int, ast.stmt] = {}

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            header_end = node.end_lineno or node.lineno
            inner = [getattr(node, f, None) for f in ("body", "orelse", "finalbody", "handlers")]
            blocks = [b for b in inner if isinstance(b, list) and b and isinstance(b[0], (ast.stmt, ast.excepthandler))]
            for line in range(first, header_end + 1):
                covering[line] = node
            for block in blocks:
                stmts = []
                for item in block:
                    stmts.extend(item.body if isinstance(item, ast.excepthandler) else [item])
                visit(stmts)

    visit(tree.body)
    return covering


def _dotted_use(node: ast.Name, parents: dict[int, ast.AST]) -> str:
    """`torch.jit.is_scripting` for the Name `torch` at the root of that attribute chain."""
    text = node.id
    parent = parents.get(id(node))
    current: ast.AST = node
    while isinstance(parent, ast.Attribute) and parent.value is current:
        text += "." + parent.attr
        current, parent = parent, parents.get(id(parent))
    return text


def _string_annotations(tree: ast.Module) -> list[ast.Constant]:
    """Annotations written as strings (forward references): pyflakes reads the names in them."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            candidates = [node.annotation]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            candidates = [node.returns]
        elif isinstance(node, ast.AnnAssign):
            candidates = [node.annotation]
        else:
            continue
        found += [c for c in candidates if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return found


def _names_in(text: str) -> list[ast.Name]:
    try:
        return [n for n in ast.walk(ast.parse(text, mode="eval")) if isinstance(n, ast.Name)]
    except SyntaxError:
        return []


def _translate_string_annotations(code: str, tree: ast.Module) -> tuple[str, ast.Module]:
    """`"OrderedDict[str, torch.Tensor]"` -> `"OrderedDict[str, jax.Array]"`, as the rules translate the same
    annotation written without quotes; other torch names in such strings are left for the check to mark."""
    rows = code.splitlines(keepends=True)
    imports_jax = any(isinstance(n, ast.Import) and any(a.name == "jax" for a in n.names) for n in tree.body)
    changed = False
    for node in sorted(_string_annotations(tree), key=lambda n: (n.lineno, n.col_offset), reverse=True):
        if not imports_jax or node.lineno != node.end_lineno or "torch.Tensor" not in str(node.value):
            continue
        row = rows[node.lineno - 1].encode()
        start, end = node.col_offset, node.end_col_offset or node.col_offset
        literal = row[start:end].decode()
        rows[node.lineno - 1] = (
            row[:start] + literal.replace("torch.Tensor", "jax.Array").encode() + row[end:]
        ).decode()
        changed = True
    if not changed:
        return code, tree
    code = "".join(rows)
    return code, ast.parse(code)


def _insert_imports(code: str, lines: list[str], tree: ast.Module) -> str:
    if not lines:
        return code
    at = 0
    for i, node in enumerate(tree.body):
        is_doc = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_doc or isinstance(node, (ast.Import, ast.ImportFrom)):
            at = node.end_lineno or node.lineno
        else:
            break
    rows = code.splitlines(keepends=True)
    block = [f"{line}  # t2j: import kept (the translation still uses it)\n" for line in lines]
    return "".join(rows[:at] + block + rows[at:])


def check_leftovers(source: str, code: str) -> tuple[str, list[Diagnostic]]:
    """The translation with its leftovers restored and marked, and a diagnostic for each marked statement."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        message = f"the translation is not valid Python (line {exc.lineno}: {exc.msg})"
        return f"{UNTRANSLATED_MARK} {message}\n{code}", [
            Diagnostic(line=exc.lineno or 0, message=f"not translated: {message}")
        ]
    try:
        source_imports = import_bindings(ast.parse(source))
    except SyntaxError:
        source_imports = {}
    code, tree = _translate_string_annotations(code, tree)
    undefined = undefined_names(tree)
    restore = sorted({source_imports[name].line for name, _ in undefined if name in source_imports})
    if restore:
        code = _insert_imports(code, restore, tree)
        tree = ast.parse(code)
        undefined = undefined_names(tree)
    bound = {name: b for name, b in import_bindings(tree).items() if b.torch}
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    spots: dict[int, list[str]] = {}  # line of a use -> what is left there
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in bound:
            spots.setdefault(node.lineno, []).append(f"torch name `{_dotted_use(node, parents)}`")
    for annotation in _string_annotations(tree):
        for used in _names_in(str(annotation.value)):
            if used.id in bound:  # a forward reference (`"OrderedDict[str, nn.Module]"`) keeps torch imported
                spots.setdefault(annotation.lineno, []).append(f"torch name `{_dotted_use(used, {})}` (annotation)")
    for name, line in undefined:
        spots.setdefault(line, []).append(f"undefined name `{name}`")
    if not spots:
        return code, []
    covering = _statement_starts(tree)
    rows = code.splitlines(keepends=True)
    by_statement: dict[int, list[str]] = {}
    for line, what in sorted(spots.items()):
        node = covering.get(line)
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) if node else line
        items = by_statement.setdefault(start, [])
        items.extend(w for w in what if w not in items)
    diagnostics = []
    inserted = 0  # marker lines added above, so far (statements in order)
    for start in sorted(by_statement):
        what = by_statement[start]
        at = start - 1 + inserted
        first = rows[at] if at < len(rows) else ""
        summary = ", ".join(what[:4]) + (f" and {len(what) - 4} more" if len(what) > 4 else "")
        marks = (
            first
            if UNTRANSLATED_MARK in first
            else (rows[at - 1] if at >= 1 and UNTRANSLATED_MARK in rows[at - 1] else "")
        )
        if marks and all(w.split("`")[1].rsplit(".", 1)[-1] in marks for w in what):
            continue  # the rules already marked (and listed) this statement for these names
        if not marks:
            indent = first[: len(first) - len(first.lstrip())]
            rows.insert(at, f"{indent}{UNTRANSLATED_MARK} {summary}\n")
            inserted += 1
        diagnostics.append(
            Diagnostic(
                line=at + 1,
                message=f"not translated: {summary} (line {at + 1} of the translation)",
                snippet=first.strip()[:120],
            )
        )
    return "".join(rows), diagnostics
