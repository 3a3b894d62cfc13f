"""Rebuild the wild corpus from the published wheels (see README.md for what and why).

    pip download --no-deps -d /tmp/wheels torchvision==0.29.1 torchaudio==2.11.1 vit-pytorch==1.26.14
    python benchmarks/wild/build_corpus.py /tmp/wheels

Each corpus file is its wheel's file verbatim, except: (1) the edits listed per file in SPECS (dropping
weight registries, builder functions that download weights, and imports of the package's own modules),
(2) helpers the file imports from its own package pasted in verbatim after the imports (named, with their
origin), and (3) an appended section, marked, with the entry and `get_init_inputs()/get_inputs()`.
README.md is regenerated from the same table, so the list of edits cannot drift from the files.
"""

from __future__ import annotations

import ast
import sys
import zipfile
from pathlib import Path

from specs import HELPERS, PACKAGES, SPECS

HERE = Path(__file__).resolve().parent
APPENDIX = "\n\n# --- t2j wild corpus: verification entry (appended; not part of the original file) ---\n"


def wheel_text(wheels: Path, package: str, path: str) -> str:
    wheel = next(wheels.glob(f"{PACKAGES[package]['wheel']}-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(path).decode()


def _drop_reason(node: ast.stmt, drop: set[str]) -> str | None:
    """Why a top-level statement of a torchvision-style file is dropped (None: kept)."""
    if isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith(("torchvision", "torchaudio"))):
        return "import of the package's own modules"
    if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
        if node.name in drop:
            return "listed"
        if isinstance(node, ast.ClassDef) and any(ast.unparse(b) == "WeightsEnum" for b in node.bases):
            return "pretrained-weights enum"
        if isinstance(node, ast.FunctionDef):
            names = [a.arg for a in node.args.args + node.args.kwonlyargs]
            if "weights" in names or "pretrained" in names:
                return "builder function that loads pretrained weights"
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = {ast.unparse(t) for t in (node.targets if isinstance(node, ast.Assign) else [node.target])}
        if targets & ({"__all__", "model_urls"} | drop):
            return "listed"
        text = ast.unparse(node.value)
        if any(name in text for name in ("_CATEGORIES", "ImageClassification", "_COMMON_META", "_ModelURLs")):
            return "weights metadata"
    return None


def strip(text: str, drop: set[str]) -> tuple[str, list[str]]:
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    removed: list[str] = []
    for node in reversed(tree.body):
        reason = _drop_reason(node, drop)
        if reason is None:
            continue
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        name = getattr(node, "name", None) or ast.unparse(node).splitlines()[0][:60]
        removed.append(f"removed `{name}` ({reason})")
        del lines[first - 1:node.end_lineno]
    return "".join(lines), list(reversed(removed))


def helper_source(wheels: Path, key: str) -> str:
    package, path, names = HELPERS[key]
    text = wheel_text(wheels, package, path)
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    parts = []
    for node in tree.body:
        if getattr(node, "name", None) in names or (isinstance(node, ast.Expr) and ast.unparse(node).startswith(
                tuple(f"torch.fx.wrap('{n}')" for n in names))):
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            parts.append("".join(lines[first - 1:node.end_lineno]))
    return f"# --- inlined from {package} {PACKAGES[package]['version']}: {path} ({', '.join(names)}) ---\n" + \
        "\n\n".join(parts) + "\n"


def insert_after_imports(text: str, block: str) -> str:
    tree = ast.parse(text)
    last = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (isinstance(node, ast.Expr) and last == 0):
            last = node.end_lineno
        else:
            break
    lines = text.splitlines(keepends=True)
    return "".join(lines[:last]) + "\n" + block + "\n" + "".join(lines[last:])


def build(wheels: Path) -> None:
    readme_rows = []
    for spec in SPECS:
        text = wheel_text(wheels, spec["package"], spec["path"])
        edits: list[str] = []
        if spec.get("strip"):
            text, edits = strip(text, set(spec.get("drop", ())))
        for old, new, why in spec.get("replace", ()):
            assert old in text, (spec["name"], old)
            text = text.replace(old, new)
            edits.append(why)
        helpers = spec.get("helpers", ())
        if helpers:
            block = spec.get("helper_imports", "") + "\n" + "\n\n".join(helper_source(wheels, h) for h in helpers)
            text = insert_after_imports(text, block)
            edits.append("inlined " + ", ".join(f"`{n}`" for h in helpers for n in HELPERS[h][2]) +
                         " verbatim from " + ", ".join(sorted({HELPERS[h][1] for h in helpers})))
        text = text.rstrip() + "\n" + APPENDIX + spec["appendix"].strip() + "\n"
        compile(text, spec["name"], "exec")
        (HERE / spec["name"]).write_text(text)
        edits.append("appended the entry and get_init_inputs()/get_inputs()")
        pkg = PACKAGES[spec["package"]]
        readme_rows.append(f"| `{spec['name']}` | {spec['package']} {pkg['version']} `{spec['path']}` | "
                           f"{pkg['licence']} | {'; '.join(edits)} |")
    readme = (HERE / "README.head.md").read_text() + "\n".join(readme_rows) + "\n"
    (HERE / "README.md").write_text(readme)
    print(f"wrote {len(SPECS)} files and README.md")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/wheels"))
