"""The output file: one JSON object per line, appended atomically, readable after a crash at any moment.

Each row is written with a single `os.write` on an O_APPEND descriptor, so a killed run leaves at most one
partial last line; `read_rows` drops it (and `truncate_partial` removes it from the file) before resuming.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def read_rows(path: Path) -> tuple[list[dict], int]:
    """(complete rows, byte length of the complete part). A torn or unparsable last line is ignored."""
    path = Path(path)
    if not path.exists():
        return [], 0
    data = path.read_bytes()
    rows: list[dict] = []
    good = 0
    position = 0
    while position < len(data):
        end = data.find(b"\n", position)
        if end < 0:
            break  # torn last line
        line = data[position:end]
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a torn line can only be the last one; anything after it is not trusted
        position = end + 1
        good = position
    return rows, good


def truncate_partial(path: Path, good: int) -> None:
    path = Path(path)
    if path.exists() and path.stat().st_size != good:
        with open(path, "r+b") as handle:
            handle.truncate(good)


class RowWriter:
    """Appends rows as single writes; use as a context manager."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = None

    def __enter__(self) -> "RowWriter":
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return self

    def write(self, row: dict) -> None:
        data = (json.dumps(row, sort_keys=False, ensure_ascii=False) + "\n").encode()
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None
