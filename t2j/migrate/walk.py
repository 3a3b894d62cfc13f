"""List the files of a source tree the way git would see them: .gitignore rules (at every level) respected."""

from __future__ import annotations

import os
from pathlib import Path

import pathspec

ALWAYS_SKIPPED = {".git", ".hg", ".svn", "__pycache__", ".ipynb_checkpoints"}
PYTHON_SUFFIXES = {".py", ".pyw"}


def _spec(folder: Path) -> pathspec.PathSpec | None:
    ignore = folder / ".gitignore"
    if not ignore.is_file():
        return None
    return pathspec.GitIgnoreSpec.from_lines(ignore.read_text(errors="replace").splitlines())


def walk(src: str | Path, exclude: list[str | Path] = (), symlinks: list[str] | None = None) -> list[str]:
    """Files of `src` (POSIX paths relative to it, sorted), skipping what any .gitignore on the way ignores,
    version-control folders, caches, and the folders in `exclude` (e.g. DST when it lies inside SRC).
    Symlinks are never followed; they are appended to `symlinks` when given (reported, not lost)."""
    root = Path(src).resolve()
    excluded = {Path(p).resolve() for p in exclude}
    found: list[str] = []
    # each entry: (folder the spec lives in, spec)
    stack: list[tuple[Path, list[tuple[Path, pathspec.PathSpec]]]] = [(root, [])]
    while stack:
        folder, specs = stack.pop()
        own = _spec(folder)
        if own is not None:
            specs = specs + [(folder, own)]

        def ignored(path: Path, is_dir: bool) -> bool:
            for base, spec in specs:
                rel = path.relative_to(base).as_posix() + ("/" if is_dir else "")
                if spec.match_file(rel):
                    return True
            return False

        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                path = Path(entry.path)
                if entry.is_symlink():  # never follow links out of SRC
                    if symlinks is not None and not ignored(path, False):
                        symlinks.append(path.relative_to(root).as_posix())
                    continue
                if entry.is_dir():
                    if entry.name in ALWAYS_SKIPPED or path.resolve() in excluded or ignored(path, True):
                        continue
                    stack.append((path, specs))
                elif entry.is_file() and not ignored(path, False):
                    found.append(path.relative_to(root).as_posix())
    return sorted(found)


def is_python(rel: str) -> bool:
    return Path(rel).suffix in PYTHON_SUFFIXES
