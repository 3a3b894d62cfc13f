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
            spots.append(
                Spot(
                    line=line,
                    message=f"still uses {mod} (as '{bound}')",
                    snippet=lines[line - 1].strip() if line else "",
                )
            )
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
                    problems.setdefault(rel, []).append(
                        Spot(
                            line=node.lineno,
                            message=f"imports module '{target}', which is not in the output",
                            snippet=ast.get_source_segment((dst / rel).read_text(), node) or "",
                        )
                    )
                continue
            for alias in node.names:
                if alias.name == "*" or alias.name in defined.get(target_rel, set()):
                    continue
                if (str(root), f"{target}.{alias.name}") in modules:
                    continue  # a submodule
                problems.setdefault(rel, []).append(
                    Spot(
                        line=node.lineno,
                        message=f"imports '{alias.name}' from '{target}', which the translation of {target_rel} "
                        "does not define",
                        snippet=ast.get_source_segment((dst / rel).read_text(), node) or "",
                    )
                )
    return problems


# ------------------------------------------------------------------------------------------------------------
# nn.Module classes across files: a class built in one file and defined in another needs `rngs=` once both
# are Flax modules, which a file-by-file translator cannot know.


def _resolve_relative(package: str, level: int, module: str | None) -> str:
    base = package.split(".") if package else []
    if level - 1 > len(base):
        return module or ""
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def project_module_classes(src: Path, rels: list[str]) -> dict[str, set[str]]:
    """For every importable module of the project (dotted name), the names it binds (defines or re-exports)
    that are nn.Module subclasses."""
    info: dict[str, tuple[dict[str, str], dict[str, list[str]]]] = {}  # module -> (imports, classes)
    for rel in rels:
        if not rel.endswith(".py"):
            continue
        try:
            tree = ast.parse((src / rel).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        _, name = import_root(src, rel)
        package = name if rel.endswith("__init__.py") else name.rpartition(".")[0]
        imports: dict[str, str] = {}  # local name -> "module:Name" or "module" (for `import x.y as z`)
        classes: dict[str, list[str]] = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                module = _resolve_relative(package, node.level, node.module) if node.level else (node.module or "")
                for alias in node.names:
                    if alias.name != "*":
                        imports[alias.asname or alias.name] = f"{module}:{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        imports[alias.asname] = alias.name
                    else:
                        imports[alias.name.split(".")[0]] = alias.name.split(".")[0]
            elif isinstance(node, ast.ClassDef):
                classes[node.name] = [d for d in (_dotted(b) for b in node.bases) if d]
        info[name] = (imports, classes)

    result: dict[str, set[str]] = {module: set() for module in info}

    def is_module_ref(module: str, dotted: str) -> bool:
        imports, _ = info[module]
        head, _, rest = dotted.partition(".")
        target = imports.get(head)
        if target is None:
            return dotted in result[module]
        full = target.replace(":", ".") + ("." + rest if rest else "")
        if full in ("torch.nn.Module", "torch.nn.modules.module.Module"):
            return True
        owner, _, attr = full.rpartition(".")
        return owner in result and attr in result[owner]

    for _ in range(20):  # fixpoint over inheritance and re-exports
        changed = False
        for module, (imports, classes) in info.items():
            for cls, bases in classes.items():
                if cls not in result[module] and any(is_module_ref(module, b) for b in bases):
                    result[module].add(cls)
                    changed = True
            for local, target in imports.items():
                owner, _, attr = target.partition(":")
                if attr and local not in result[module] and owner in result and attr in result[owner]:
                    result[module].add(local)
                    changed = True
        if not changed:
            break
    return result


class _PassRngs(cst.CSTTransformer):
    def __init__(self, names: set[str]):
        self.names = names
        self.scopes: list[bool] = []  # does the enclosing function have `rngs`?
        self.changed = 0

    def visit_FunctionDef(self, node):
        params = node.params
        every = list(params.params) + list(params.kwonly_params) + list(params.posonly_params)
        self.scopes.append(any(p.name.value == "rngs" for p in every))

    def leave_FunctionDef(self, original, updated):
        self.scopes.pop()
        return updated

    def leave_Call(self, original, updated):
        if not (isinstance(updated.func, cst.Name) and updated.func.value in self.names):
            return updated
        if any(a.keyword is not None and a.keyword.value == "rngs" for a in updated.args):
            return updated
        if any(a.star for a in updated.args if a.keyword is None and a.star == "**"):
            return updated
        value = "rngs" if (self.scopes and self.scopes[-1]) else "nnx.Rngs(0)"
        self.changed += 1
        args = list(updated.args)
        if args:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(
            cst.Arg(
                keyword=cst.Name("rngs"),
                value=cst.parse_expression(value),
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
                ),
            )
        )
        return updated.with_changes(args=args)


def pass_rngs_to_project_modules(code: str, module: str, package: str, classes: dict[str, set[str]]) -> tuple[str, int]:
    """Add `rngs=` to calls of nn.Module classes that this file imports from other project files."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code, 0
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            owner = _resolve_relative(package, node.level, node.module) if node.level else (node.module or "")
            for alias in node.names:
                if owner in classes and alias.name in classes[owner]:
                    names.add(alias.asname or alias.name)
    if not names:
        return code, 0
    transformer = _PassRngs(names)
    new = cst.parse_module(code).visit(transformer).code
    if transformer.changed and "from flax import nnx" not in new and "nnx.Rngs(0)" in new:
        new = "from flax import nnx\n" + new
    return new, transformer.changed
