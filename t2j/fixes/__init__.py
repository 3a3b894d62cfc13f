"""The fix store: known PyTorch->JAX mistakes as executable entries (schema, loader, checker, recorder)."""

from t2j.fixes.entry import FixEntry
from t2j.fixes.record import record_mined
from t2j.fixes.store import FixStore, load_store

__all__ = ["FixEntry", "FixStore", "load_store", "record_mined"]
