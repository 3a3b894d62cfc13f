"""The resumable state of a migration run: an append-only JSONL file of finished work.

Every finished file (translate phase) and module (verify phase) is appended as one line with a single
`write` followed by `fsync`, after its output was written atomically. A run killed at any moment (even by
SIGKILL) leaves at worst a partial last line, which the next run cuts off before appending; everything listed
is done and is never redone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from t2j.errors import BadInput
from t2j.migrate.models import FileResult, ModuleResult

STATE_VERSION = 1
WORK_DIR = ".t2j"  # inside DST: the state file and recorded inputs
STATE_FILE = "state.jsonl"


class RunState:
    """Finished work of one run, loaded from and appended to `DST/.t2j/state.jsonl`."""

    def __init__(self, path: Path, fingerprint: dict):
        self.path = path
        self.fingerprint = fingerprint
        self.files: dict[str, FileResult] = {}
        self.modules: dict[str, ModuleResult] = {}
        self.markers: dict[str, str | None] = {}  # phases finished as a whole ("record") -> a note

    @classmethod
    def open(cls, dst: Path, fingerprint: dict, fresh: bool) -> "RunState":
        """Load the state of the run described by `fingerprint`, or start one (`fresh` discards old state)."""
        path = dst / WORK_DIR / STATE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        state = cls(path, fingerprint)
        if fresh or not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"type": "run", "version": STATE_VERSION, "fingerprint": fingerprint}) + "\n")
            os.replace(tmp, path)
            return state
        state._load()
        return state

    @staticmethod
    def describes(dst: Path) -> dict | None:
        """The fingerprint of the run whose state lives in `dst`, or None."""
        path = dst / WORK_DIR / STATE_FILE
        if not path.is_file():
            return None
        with open(path, "rb") as handle:
            first = handle.readline()
        try:
            header = json.loads(first)
        except ValueError:
            return None
        return header.get("fingerprint") if header.get("type") == "run" else None

    def _load(self) -> None:
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            # a run was killed inside a write: drop the partial line so the next append starts clean
            cut = data.rfind(b"\n") + 1
            with open(self.path, "r+b") as handle:
                handle.truncate(cut)
                handle.flush()
                os.fsync(handle.fileno())
            data = data[:cut]
        lines = data.splitlines()
        header = json.loads(lines[0]) if lines else {}
        if header.get("fingerprint") != self.fingerprint:
            raise BadInput(f"{self.path} belongs to a different run; pass --force to start over")
        for line in lines[1:]:
            record = json.loads(line)
            kind = record.get("type")
            if kind == "file":
                result = FileResult(**record["result"])
                self.files[result.path] = result
            elif kind == "module":
                result = ModuleResult(**record["result"])
                self.modules[result.key] = result
            elif kind == "marker":
                self.markers[record["name"]] = record.get("note")

    def _append(self, record: dict) -> None:
        line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def add_file(self, result: FileResult) -> None:
        self._append({"type": "file", "result": result.model_dump()})
        self.files[result.path] = result

    def add_module(self, result: ModuleResult) -> None:
        self._append({"type": "module", "result": result.model_dump()})
        self.modules[result.key] = result

    def mark(self, name: str, note: str | None = None) -> None:
        self._append({"type": "marker", "name": name, "note": note})
        self.markers[name] = note
