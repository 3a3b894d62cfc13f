"""`t2j.translate(source, backend=...)`: translate PyTorch code to JAX and (where inputs are known) verify it.

This module composes the stages; the rules backend is built in. Other backends (LLM) register here too.
"""

from __future__ import annotations

import ast
import inspect
import time
from pathlib import Path

from t2j.errors import BadInput
from t2j.settings import Settings
from t2j.translation import Translation

BACKENDS = ("rules", "openai", "hybrid")  # openai/hybrid: t2j.repair.pipeline (LLM draft, verify, repair)


def load_source(source) -> str:
    """Source text from a path, a string of code, or a live class/function/module (inspect.getsource)."""
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and source.endswith(".py")):
        from t2j.verify.api import read_source

        text = read_source(source, "input")
    elif isinstance(source, str):
        text = source
    else:
        try:
            text = inspect.getsource(source)
        except (TypeError, OSError) as exc:
            raise BadInput(f"cannot read the source of {source!r}: {exc}") from None
        text = _with_module_imports(source, inspect.cleandoc("\n" + text) if text.startswith((" ", "\t")) else text)
    return text


def _with_module_imports(obj, text: str) -> str:
    """A live object's source plus its module's import lines (so that `nn`, `F`, `torch` resolve)."""
    module = inspect.getmodule(obj)
    try:
        module_source = inspect.getsource(module) if module is not None else ""
    except (TypeError, OSError):
        module_source = ""
    imports = []
    for line in module_source.splitlines():
        if line.startswith(("import ", "from ")):
            imports.append(line)
    if not imports:
        imports = ["import torch", "import torch.nn as nn", "import torch.nn.functional as F"]
    return "\n".join(imports) + "\n\n\n" + text


def check_source(text: str) -> None:
    """Raise BadInput for empty text, a syntax error, or code that does not use torch."""
    if not text.strip():
        raise BadInput("input is empty: give a PyTorch .py file, source text, or a class/function")
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise BadInput(f"input has a syntax error at line {exc.lineno}: {exc.msg}") from None
    uses_torch = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "torch" for a in node.names):
            uses_torch = True
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "torch":
            uses_torch = True
    if not uses_torch:
        raise BadInput("input does not import torch: nothing to translate (give a PyTorch file)")


def translate(source, backend: str = "rules", settings: Settings | None = None, verify: bool = True,
              entry: str | None = None) -> Translation:
    """Translate `source` (a path, source text, or a live class/function) to Flax NNX + optax.

    The result carries the code, diagnostics for anything not translated (with source lines), the rules
    that fired, and the verifier's report when `verify` is True and the source defines get_inputs(), is a
    training script in the make_models/make_data/train convention (t2j.verify.training), or trains in any other
    shape (a `.backward()`: the recording checker, t2j.verify.recording).
    """
    settings = settings or Settings()
    if backend not in BACKENDS:
        raise BadInput(f"unknown backend '{backend}': this installation offers {', '.join(BACKENDS)}")
    text = load_source(source)
    check_source(text)
    if backend in ("openai", "hybrid"):
        from t2j.repair.pipeline import run_llm_translation

        return run_llm_translation(text, backend, settings, entry=entry, verify=verify)
    start = time.perf_counter()
    from t2j.rules import translate_rules

    result = translate_rules(text)
    seconds = time.perf_counter() - start
    translation = Translation(source=text, code=result.code, backend=backend, diagnostics=result.diagnostics,
                              rules_fired=result.rules_fired, seconds=seconds)
    if verify and _has_inputs(text):
        translation.verification = run_verification(text, result.code, entry, settings)
    elif verify and (result.train_steps or ".backward(" in text):
        # a training script in no convention: verified by recording its torch run (t2j.verify.recording)
        from t2j.verify.recording import as_verification, verify_script_sources

        report = verify_script_sources(text, result.code, max_steps=settings.record_max_steps,
                                       timeout_s=settings.record_timeout_s, settings=settings)
        translation.verification = as_verification(report)
    return translation


def _has_inputs(text: str) -> bool:
    """Whether the verifier can run `text`: it defines get_inputs(), or it is a training script."""
    from t2j.verify.training import is_training_script

    tree = ast.parse(text)
    return any(isinstance(n, ast.FunctionDef) and n.name == "get_inputs" for n in tree.body) or \
        is_training_script(text)


def run_verification(torch_code: str, jax_code: str, entry: str | None, settings: Settings):
    from t2j.verify.api import verify_sources

    try:
        return verify_sources(torch_code, jax_code, entry=entry, settings=settings)
    except BadInput as exc:
        from t2j.verify.report import Verification

        return Verification(ok=False, error=str(exc), failed_stage="input")


from t2j._callable_module import make_callable  # noqa: E402

make_callable(__name__, "t2j.translate:translate")
