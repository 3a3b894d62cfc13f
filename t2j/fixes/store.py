"""Load and save fix-store entries: YAML files under `fixes/` (one entry, or a list of entries, per file)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from t2j._resources import data_dir
from t2j.errors import BadInput
from t2j.fixes.entry import FixEntry

STORE_ENV = "T2J_FIX_STORE"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FixStore(BaseModel):
    """The loaded entries, in file order, with the file each came from."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    entries: list[FixEntry]
    sources: dict[str, str] = {}  # entry id -> file it was read from

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):  # type: ignore[override]
        return iter(self.entries)

    def get(self, entry_id: str) -> FixEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    def categories(self) -> Counter:
        return Counter(e.category for e in self.entries)


class StoreError(BadInput):
    """A store file is malformed; the message names the file and the field."""


def _read_file(path: Path) -> list[FixEntry]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise StoreError(f"{path}: not valid YAML ({exc}); fix the file or remove it from the store") from None
    if data is None:
        return []
    items = data if isinstance(data, list) else [data]
    entries = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise StoreError(f"{path}: item {i} is a {type(item).__name__}, expected a mapping with id, title, ...")
        try:
            entries.append(FixEntry.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "entry"
            raise StoreError(
                f"{path}: entry {item.get('id', i)!r}: {where}: {first['msg']} ({exc.error_count()} problem(s))"
            ) from None
    return entries


def store_dirs(path: str | Path | None = None) -> list[Path]:
    """The folders to read: `path` alone when given; else the shipped fixes/ plus the user store (see
    `user_store_dir`) when it exists."""
    if path is not None:
        return [Path(path)]
    dirs = [data_dir("fixes")]
    user = user_store_dir()
    if user.is_dir() and user.resolve() != dirs[0].resolve():
        dirs.append(user)
    return dirs


def load_store(path: str | Path | None = None) -> FixStore:
    """Read every `*.yaml`/`*.yml` file under the store folder(s), validate them, reject duplicate ids."""
    entries: list[FixEntry] = []
    sources: dict[str, str] = {}
    for folder in store_dirs(path):
        if folder.is_file():
            files = [folder]
        elif folder.is_dir():
            files = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            raise StoreError(f"fix store {folder} does not exist; pass an existing folder or YAML file")
        for file in files:
            for entry in _read_file(file):
                if entry.id in sources:
                    raise StoreError(
                        f"{file}: duplicate entry id {entry.id!r} (also in {sources[entry.id]}); ids must be unique"
                    )
                sources[entry.id] = str(file)
                entries.append(entry)
    return FixStore(entries=entries, sources=sources)


def entry_yaml(entry: FixEntry) -> str:
    """The YAML text of one entry, code blocks as literal `|` blocks so the file reads like the code."""

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper, value: str):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    data = entry.model_dump(mode="json", exclude_none=True)
    if data.get("entry") == "Model":
        data.pop("entry")
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def user_store_dir(store: str | Path | None = None) -> Path:
    """Where recorded (user / mined) entries go: `store`, else $T2J_FIX_STORE, else
    `$XDG_DATA_HOME/t2j/fixes` (~/.local/share/t2j/fixes). Never the shipped folder, which may sit in a read-only
    site-packages; curate an entry into the repository's fixes/ with `--store fixes`."""
    if store is not None:
        return Path(store)
    extra = os.environ.get(STORE_ENV)
    if extra:
        return Path(extra)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "t2j" / "fixes"


def save_entry(entry: FixEntry, folder: str | Path) -> Path:
    """Write `entry` as a new YAML file `<folder>/<provenance>/<id>.yaml`; never overwrites an existing file."""
    target_dir = Path(folder) / entry.provenance
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{entry.id}.yaml"
    if target.exists():
        raise StoreError(f"{target} already exists; choose another --id")
    target.write_text(entry_yaml(entry), encoding="utf-8")
    return target
