"""A side's results crossing a process boundary: named numpy arrays (npz) plus JSON metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class Bundle:
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def group(self, prefix: str) -> dict[str, np.ndarray]:
        """Arrays stored under `prefix/`, keyed by the rest of their name (order preserved)."""
        cut = len(prefix) + 1
        return {k[cut:]: v for k, v in self.arrays.items() if k.startswith(prefix + "/")}

    def put_group(self, prefix: str, arrays: dict[str, np.ndarray]) -> None:
        for key, value in arrays.items():
            self.arrays[f"{prefix}/{key}"] = np.asarray(value)

    def save(self, stem: Path) -> None:
        stem = Path(stem)
        names = list(self.arrays)
        # npz keys must be plain strings; keep the real names in the metadata to preserve order and characters
        np.savez(stem.with_suffix(".npz"), **{f"a{i}": self.arrays[n] for i, n in enumerate(names)})
        stem.with_suffix(".json").write_text(json.dumps({"names": names, "meta": self.meta}, default=str))

    @classmethod
    def load(cls, stem: Path) -> "Bundle":
        stem = Path(stem)
        header = json.loads(stem.with_suffix(".json").read_text())
        with np.load(stem.with_suffix(".npz"), allow_pickle=False) as data:
            arrays = {name: data[f"a{i}"] for i, name in enumerate(header["names"])}
        return cls(arrays=arrays, meta=header["meta"])
