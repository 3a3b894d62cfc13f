"""Lazy re-exports for package `__init__` files: a name is imported from its module on first use, so that
importing a package (the CLI imports `t2j.llm.errors`, the rules import `t2j.repair.rounds`) loads nothing else."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_getattr(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module-level `__getattr__` serving `exports` (public name -> module that defines it)."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        return getattr(import_module(module), name)

    return __getattr__
