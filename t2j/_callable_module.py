"""Let a module double as the public function of the same name.

`t2j.verify` is both a subpackage (t2j/verify/) and the public function `verify`; `t2j.translate` likewise.
Python binds the submodule to the parent's attribute whenever it is imported, so the module itself must be
callable for `from t2j import verify; verify(...)` to work in every import order.
"""

import sys
import types
from importlib import import_module


def make_callable(module_name: str, target: str) -> None:
    """Make `module_name` callable, forwarding to `target` ("package.module:function"), imported lazily."""
    owner, _, function = target.partition(":")

    class _CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return getattr(import_module(owner), function)(*args, **kwargs)

    sys.modules[module_name].__class__ = _CallableModule
