"""Writing the files a user asks for, safely: nothing of theirs is overwritten by surprise or lost.

`check_output(path, sources=..., force=...)` raises BadInput (one line, exit 2) before any work when the output
cannot or must not be written: a directory, a dangling symlink, a folder that is not writable, an existing file
without --force, or the very file being read (same path, a symlink or a hard link to it). `write_output` writes
through a temporary file renamed into place, so a hard link elsewhere is never written through and a failed
write leaves the old file whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from t2j.errors import BadInput


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def check_output(path: str | Path, sources=(), force: bool = False, what: str = "output") -> Path:
    """Validate an output path (see the module docstring); returns it as a Path."""
    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise BadInput(
            f"{what} '{path}' is a dangling symlink (to '{os.readlink(path)}'); remove it or choose another path"
        )
    if path.is_dir():
        raise BadInput(f"{what} '{path}' is a directory; give a file path")
    if path.exists():
        for source in sources:
            if Path(source).exists() and os.path.samefile(path, source):
                raise BadInput(
                    f"{what} '{path}' is the input file '{source}' (the same file, a link to it or a "
                    "hard link); choose another path"
                )
        if not force:
            raise BadInput(f"{what} '{path}' exists; pass --force to overwrite it")
    folder = _nearest_existing(path.absolute().parent)
    if not folder.is_dir():
        raise BadInput(f"{what} '{path}': '{folder}' is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInput(f"{what} '{path}': the folder '{folder}' is not writable")
    return path


def write_output(path: str | Path, data: str | bytes) -> None:
    """Write `data` to `path` atomically (a temporary file in the same folder renamed over it)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data.encode() if isinstance(data, str) else data)
            if path.exists():
                os.chmod(temporary, path.stat().st_mode & 0o7777)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
    except OSError as exc:
        raise BadInput(f"cannot write '{path}': {exc.strerror or exc}") from None


def check_jsonl_target(path: str | Path, force: bool, what: str = "--out") -> None:
    """A file that will be resumed as JSONL must be JSONL already (or empty): anything else needs --force."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0 or force:
        return
    import json

    with open(path, "rb") as handle:
        first = handle.readline(1 << 20).strip()
    try:
        ok = isinstance(json.loads(first), dict) if first else True
    except ValueError:
        ok = False
    if not ok:
        raise BadInput(f"{what} '{path}' exists and is not a JSONL file of t2j rows; pass --force to replace it")
