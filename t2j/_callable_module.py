"""Let the `t2j.verify` subpackage double as the public function `t2j.verify(...)`.

Python binds a submodule to its parent's attribute whenever it is imported (`import t2j.verify.api` sets
`t2j.verify` to the package), so `from t2j import verify; verify(...)` works in every import order only if the
package object itself is callable: `make_callable` gives the module a subclass of ModuleType with `__call__`.
(`t2j.translate` needs no such trick: the function lives in t2j/backends.py, not in a module of its name.)
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
