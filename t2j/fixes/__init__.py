"""The fix store: known PyTorch->JAX mistakes as executable entries (schema, loader, checker, adding entries)."""

from t2j.fixes.entry import FixEntry
from t2j.fixes.add import add_mined_fix
from t2j.fixes.store import FixStore, load_store

__all__ = ["FixEntry", "FixStore", "load_store", "add_mined_fix"]
