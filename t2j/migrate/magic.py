"""The IPython extension: `%load_ext t2j`, then a `%%t2j` cell magic.

The cell (PyTorch) runs as usual in the session, with hooks that capture the constructor and forward
arguments of every nn.Module class it defines and calls. The cell is translated (with the torch imports of
earlier cells as context), the JAX definitions are executed into `t2j_jax` (a namespace in the session, so
the PyTorch names stay usable), each module class is verified in-process against its live PyTorch twin with
the captured inputs (or the session's get_inputs()/get_init_inputs()), and the JAX code and the verdicts
are displayed. `_t2j` holds the last result (a MagicResult).

Options: `%%t2j --no-verify`, `%%t2j --no-run` (translate only, do not run the PyTorch cell).
"""

from __future__ import annotations

import ast
import functools
import re
import types

from pydantic import BaseModel, ConfigDict, Field

from t2j.migrate.models import Spot

_CONTEXT_MARKER = "# t2j-magic-cell"


class MagicVerdict(BaseModel):
    entry: str
    inputs: str  # "captured" or "get_inputs"
    ok: bool
    summary: str
    speed_ratio: float | None = None


class MagicResult(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    code: str
    spots: list[Spot] = Field(default_factory=list)
    verdicts: list[MagicVerdict] = Field(default_factory=list)


class _Capture:
    """Capture (init args, forward args) of nn.Module subclasses created while active, in this process."""

    def __init__(self):
        self.samples: dict[str, tuple[list, list]] = {}  # class name -> first (init_args, forward_args)
        self.classes: dict[str, type] = {}

    def __enter__(self):
        import torch

        from t2j.migrate.record_hook import _detach, _positional

        capture = self
        self._torch = torch
        self._previous = torch.nn.Module.__dict__.get("__init_subclass__")

        def wrap(cls):
            capture.classes[cls.__name__] = cls
            init = cls.__dict__.get("__init__")
            if init is not None:

                @functools.wraps(init)
                def __init__(self, *args, **kwargs):
                    if "_t2j_init" not in self.__dict__:
                        positional = _positional(type(self).__init__, args, kwargs)
                        self.__dict__["_t2j_init"] = _detach(positional) if positional is not None else None
                    init(self, *args, **kwargs)

                cls.__init__ = __init__
            forward = cls.__dict__.get("forward")
            if forward is not None:

                @functools.wraps(forward)
                def forward_wrapper(self, *args, **kwargs):
                    name = type(self).__name__
                    if name not in capture.samples and self.__dict__.get("_t2j_init") is not None:
                        positional = _positional(type(self).forward, args, kwargs)
                        if positional is not None:
                            capture.samples[name] = (list(self.__dict__["_t2j_init"]), _detach(positional))
                    return forward(self, *args, **kwargs)

                cls.forward = forward_wrapper

        def __init_subclass__(cls, **kwargs):
            super(torch.nn.Module, cls).__init_subclass__(**kwargs)
            wrap(cls)

        torch.nn.Module.__init_subclass__ = classmethod(__init_subclass__)
        return self

    def __exit__(self, *exc):
        if self._previous is None:
            del self._torch.nn.Module.__init_subclass__
        else:
            self._torch.nn.Module.__init_subclass__ = self._previous
        return False


def _torch_context(history: list[str]) -> str:
    """Import lines of earlier cells, so that `nn`, `F`, `torch` mean what they meant there."""
    lines = []
    for cell in history:
        for line in cell.splitlines():
            if re.match(r"^(import|from)\s+\S+", line) and line not in lines:
                lines.append(line)
    return "\n".join(lines)


def translate_cell(cell: str, history: list[str], backend: str = "rules"):
    """Translate one cell with the imports of earlier cells as context; returns (code, spots)."""
    from t2j.backends import translate

    context = _torch_context(history)
    program = f"{context}\n{_CONTEXT_MARKER}\n{cell}\n" if context else cell + "\n"
    translation = translate(program, backend=backend, verify=False)
    code = translation.code
    offset = context.count("\n") + 2 if context else 0
    spots = [Spot(line=max(d.line - offset, 0), message=d.message, snippet=d.snippet) for d in translation.diagnostics]
    if context and _CONTEXT_MARKER in code:
        head, _, body = code.partition(_CONTEXT_MARKER)
        # keep what the translator added (JAX imports, helpers); drop the context lines themselves
        context_lines = set(context.splitlines())
        head = "\n".join(line for line in head.splitlines() if line not in context_lines).strip("\n")
        code = (head + "\n\n" if head else "") + body.strip("\n") + "\n"
    return code, spots


def _defined_names(code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))]


def run_magic(shell, line: str, cell: str) -> MagicResult:
    args = line.split()
    verify, run = "--no-verify" not in args, "--no-run" not in args
    history = [h for h in shell.user_ns.get("In", [])[:-1] if h and "t2j" not in h.split("\n", 1)[0]]
    code, spots = translate_cell(cell, history)

    capture = _Capture()
    if run:
        with capture:
            outcome = shell.run_cell(cell, store_history=False)
        if not outcome.success:
            verify = False

    jax_ns = shell.user_ns.get("t2j_jax")
    if not isinstance(jax_ns, types.SimpleNamespace):
        jax_ns = types.SimpleNamespace()
        shell.user_ns["t2j_jax"] = jax_ns
    scope = dict(shell.user_ns)
    scope.update(vars(jax_ns))
    result = MagicResult(code=code, spots=spots)
    try:
        exec(compile(code, "<t2j %%t2j cell>", "exec"), scope)
    except Exception as exc:
        result.verdicts.append(
            MagicVerdict(
                entry="(cell)", inputs="-", ok=False, summary=f"the JAX code failed to run: {type(exc).__name__}: {exc}"
            )
        )
        verify = False
    for name in _defined_names(code):
        if name in scope:
            setattr(jax_ns, name, scope[name])

    if verify:
        from t2j.verify.api import verify as verify_live

        for name in _defined_names(cell):
            torch_obj, jax_obj = shell.user_ns.get(name), getattr(jax_ns, name, None)
            if torch_obj is None or jax_obj is None:
                continue
            if name in capture.samples:
                init_args, inputs = capture.samples[name]
                source = "captured"
            elif callable(shell.user_ns.get("get_inputs")) and name == shell.user_ns.get("T2J_ENTRY", "Model"):
                init = shell.user_ns.get("get_init_inputs")
                init_args, inputs = (list(init()) if callable(init) else []), list(shell.user_ns["get_inputs"]())
                source = "get_inputs"
            else:
                continue
            v = verify_live(torch_obj, jax_obj, inputs=inputs, init_inputs=init_args)
            from t2j.migrate.worker import headline

            result.verdicts.append(
                MagicVerdict(entry=name, inputs=source, ok=v.ok, summary=headline(v), speed_ratio=v.speed_ratio)
            )
    return result


def display_result(result: MagicResult) -> None:
    from IPython.display import Markdown, display

    lines = ["**t2j: JAX translation** (definitions are in `t2j_jax`)", "", "```python", result.code.rstrip(), "```"]
    for spot in result.spots:
        lines.append(f"- not translated, line {spot.line}: {spot.message}")
    if result.verdicts:
        lines += [""] + [
            f"- `{v.entry}` ({v.inputs} inputs): {'✅' if v.ok else '❌'} {v.summary}" for v in result.verdicts
        ]
    else:
        lines += ["", "- nothing verified: call the module in the cell (or define get_inputs()) to verify it"]
    display(Markdown("\n".join(lines)))


def load_ipython_extension(ipython) -> None:
    from IPython.core.magic import Magics, cell_magic, magics_class

    @magics_class
    class T2JMagics(Magics):
        @cell_magic
        def t2j(self, line, cell):
            """Run this PyTorch cell, translate it to JAX, verify its modules with the live inputs."""
            result = run_magic(self.shell, line, cell)
            self.shell.user_ns["_t2j"] = result
            display_result(result)

    ipython.register_magics(T2JMagics)
