"""Installed in the process of `--record CMD` (through a generated sitecustomize.py): captures the real
constructor and forward arguments of every nn.Module class defined in the project, a few samples per class,
and saves each sample with torch.save as {"init_args": [...], "args": [...]} plus a line in index.jsonl.

Configured by environment variables: T2J_RECORD_ROOT (the project folder), T2J_RECORD_DIR (where samples go),
T2J_RECORD_SAMPLES (samples per class, default 2).
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys


def _positional(func, args, kwargs, skip_self=True):
    """The call's arguments as one positional list (defaults filled in), or None if that is impossible
    (keyword-only arguments, **kwargs)."""
    try:
        signature = inspect.signature(func)
        bound = signature.bind(None, *args, **kwargs) if skip_self else signature.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    out = []
    params = list(signature.parameters.values())[1 if skip_self else 0 :]
    for param in params:
        value = bound.arguments.get(param.name)
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            out.append(value)
        elif param.kind == param.VAR_POSITIONAL:
            out.extend(value or ())
        elif param.kind == param.KEYWORD_ONLY:
            if param.name in kwargs:
                return None  # cannot be passed positionally
        elif param.kind == param.VAR_KEYWORD:
            if value:
                return None
    return out


def _detach(value):
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (list, tuple)):
        return type(value)(_detach(v) for v in value) if not hasattr(value, "_fields") else value
    if isinstance(value, dict):
        return {k: _detach(v) for k, v in value.items()}
    return value


def install() -> None:
    import torch

    root = os.path.realpath(os.environ["T2J_RECORD_ROOT"])
    out = os.environ["T2J_RECORD_DIR"]
    per_class = int(os.environ.get("T2J_RECORD_SAMPLES", "2"))
    os.makedirs(out, exist_ok=True)
    counts: dict[str, int] = {}

    def class_key(cls) -> str | None:
        if "." in cls.__qualname__:
            return None  # nested or local classes cannot be imported by name
        module = sys.modules.get(cls.__module__)
        path = getattr(module, "__file__", None)
        if not path:
            return None
        path = os.path.realpath(path)
        if not path.startswith(root + os.sep):
            return None
        return os.path.relpath(path, root).replace(os.sep, "/") + "::" + cls.__qualname__

    def save(self, args, kwargs) -> None:
        cls = type(self)
        key = class_key(cls)
        if key is None or counts.get(key, 0) >= per_class:
            return
        init = self.__dict__.get("_t2j_init")
        if init is None:
            return
        forward_args = _positional(cls.forward, args, kwargs)
        if forward_args is None:
            return
        index = sum(counts.values())
        counts[key] = counts.get(key, 0) + 1
        name = f"{index:05d}.pt"
        try:
            torch.save({"init_args": init, "args": _detach(forward_args)}, os.path.join(out, name))
        except Exception as exc:  # an argument torch cannot pickle
            print(f"t2j record: cannot save a sample of {key}: {exc}", file=sys.stderr)
            return
        module = cls.__module__
        if module == "__main__":
            module = os.path.splitext(key.split("::")[0])[0].replace("/", ".")
        with open(os.path.join(out, "index.jsonl"), "a") as handle:
            handle.write(json.dumps({"key": key, "file": name, "module": module}) + "\n")

    def wrap(cls) -> None:
        init = cls.__dict__.get("__init__")
        if init is not None:

            @functools.wraps(init)
            def __init__(self, *args, **kwargs):
                if "_t2j_init" not in self.__dict__:  # the outermost constructor of this object
                    positional = _positional(type(self).__init__, args, kwargs)
                    self.__dict__["_t2j_init"] = _detach(positional) if positional is not None else None
                init(self, *args, **kwargs)

            __init__.__t2j_wrapped__ = True
            cls.__init__ = __init__
        forward = cls.__dict__.get("forward")
        if forward is not None:

            @functools.wraps(forward)
            def forward_wrapper(self, *args, **kwargs):
                if not self.__dict__.get("_t2j_in_forward"):
                    self.__dict__["_t2j_in_forward"] = True
                    try:
                        save(self, args, kwargs)
                        return forward(self, *args, **kwargs)
                    finally:
                        self.__dict__["_t2j_in_forward"] = False
                return forward(self, *args, **kwargs)

            cls.forward = forward_wrapper

    def __init_subclass__(cls, **kwargs):
        super(torch.nn.Module, cls).__init_subclass__(**kwargs)
        if class_key(cls) is not None:
            wrap(cls)

    torch.nn.Module.__init_subclass__ = classmethod(__init_subclass__)
