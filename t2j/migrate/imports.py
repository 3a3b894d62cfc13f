"""Imports across a migrated project.

Module names stay the same in DST, so imports between translated files keep working as written; what changes
is that torch goes. `drop_unused_torch_imports` removes torch imports the translation no longer uses (and
reports the ones it still needs as untranslated spots); `unresolved_imports` checks, over the whole DST tree,
that every import of a project module still finds the names it asks for.
"""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst

from t2j.migrate.models import Spot

TORCH_PACKAGES = ("torch", "torchvision", "torchaudio", "torchtext")


def is_torch_module(name: str | None) -> bool:
    return bool(name) and name.split(".")[0] in TORCH_PACKAGES


def uses_torch(tree: ast.Module) -> bool:
    """Whether a module imports torch (or a torch package) anywhere."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(is_torch_module(a.name) for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and is_torch_module(node.module):
            return True
    return False


def _used_names(tree: ast.Module) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


class _DropTorchImports(cst.CSTTransformer):
    def __init__(self, used: set[str]):
        self.used = used
        self.kept: list[tuple[str, str]] = []  # (bound name, module)

    def _keep_alias(self, alias: cst.ImportAlias, module: str) -> bool:
        if alias.asname is not None:
            bound = cst.ensure_type(alias.asname.name, cst.Name).value
        else:
            bound = cst.helpers.get_full_name_for_node(alias.name).split(".")[0]
        if bound in self.used:
            self.kept.append((bound, module))
            return True
        return False

    def leave_Import(self, original, updated):
        names = []
        for alias in updated.names:
            full = cst.helpers.get_full_name_for_node(alias.name)
            if not is_torch_module(full) or self._keep_alias(alias, full):
                names.append(alias)
        return self._rebuild(updated, names)

    def leave_ImportFrom(self, original, updated):
        if updated.relative or updated.module is None:
            return updated
        module = cst.helpers.get_full_name_for_node(updated.module)
        if not is_torch_module(module) or isinstance(updated.names, cst.ImportStar):
            return updated
        names = [a for a in updated.names if self._keep_alias(a, module)]
        return self._rebuild(updated, names)

    @staticmethod
    def _rebuild(node, names):
        if not names:
            return cst.RemovalSentinel.REMOVE
        if len(names) == len(node.names):
            return node
        names = list(names)
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(names=names)


def drop_unused_torch_imports(code: str) -> tuple[str, list[Spot]]:
    """Remove torch imports whose names the code no longer uses; the ones still used become spots."""
    try:
        tree = ast.parse(code)
        module = cst.parse_module(code)
    except (SyntaxError, cst.ParserSyntaxError):
        return code, []
    used = _used_names(tree)
    # names used only inside import statements do not count
    transformer = _DropTorchImports(used)
    new = module.visit(transformer).code
    spots = []
    if transformer.kept:
        lines = new.splitlines()
        for bound, mod in transformer.kept:
            line = next((i + 1 for i, text in enumerate(lines) if _mentions(text, bound) and "import" not in text), 0)
            spots.append(Spot(line=line, message=f"still uses {mod} (as '{bound}')",
                              snippet=lines[line - 1].strip() if line else ""))
    return new, spots


def _mentions(text: str, name: str) -> bool:
    import re

    return re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


# ------------------------------------------------------------------------------------------------------------
# The project's module graph


def import_root(src: Path, rel: str) -> tuple[Path, str]:
    """(import root, dotted module name) of `rel`: the root is the first folder above the file's package chain
    (folders holding __init__.py)."""
    path = src / rel
    parts = [path.stem] if path.name != "__init__.py" else []
    folder = path.parent
    while folder != src and (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)


def _defined_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def unresolved_imports(dst: Path, rels: list[str]) -> dict[str, list[Spot]]:
    """For each Python file of DST (given by `rels`), the imports of project modules that no longer resolve:
    a module that is gone, or a name it no longer defines."""
    modules: dict[tuple[str, str], str] = {}  # (root, dotted name) -> rel
    trees: dict[str, ast.Module] = {}
    for rel in rels:
        try:
            trees[rel] = ast.parse((dst / rel).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        root, name = import_root(dst, rel)
        modules[(str(root), name)] = rel
    defined = {rel: _defined_names(tree) for rel, tree in trees.items()}
    problems: dict[str, list[Spot]] = {}
    for rel, tree in trees.items():
        root, name = import_root(dst, rel)
        package = name if Path(rel).name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".") if package else []
                if node.level - 1 > len(base):
                    continue
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            target_rel = modules.get((str(root), target))
            if target_rel is None:
                if node.level:  # relative import of a module that is not in DST
                    problems.setdefault(rel, []).append(Spot(
                        line=node.lineno, message=f"imports module '{target}', which is not in the output",
                        snippet=ast.get_source_segment((dst / rel).read_text(), node) or ""))
                continue
            for alias in node.names:
                if alias.name == "*" or alias.name in defined.get(target_rel, set()):
                    continue
                if (str(root), f"{target}.{alias.name}") in modules:
                    continue  # a submodule
                problems.setdefault(rel, []).append(Spot(
                    line=node.lineno,
                    message=f"imports '{alias.name}' from '{target}', which the translation of {target_rel} "
                            "does not define",
                    snippet=ast.get_source_segment((dst / rel).read_text(), node) or ""))
    return problems
