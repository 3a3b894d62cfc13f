"""The verifier: is this JAX translation equivalent to the PyTorch code it came from?

- `verify_files(ref, out)`: the reference, the translation and the trusted runner of the translation's exported
  programs each run in their own sandbox (t2j.verify.jobs; the translation is untrusted).
- `verify_sources(torch_code, jax_code)`: the same for code held in strings.
- `verify_translations(torch_code, [jax_code, ...])`: several translations of one reference, each with its own
  verdict; the reference runs once (module references; a training script is verified once per translation).
- `verify(torch_obj, jax_obj, inputs=..., init_inputs=...)`: live objects, in this process.
"""

from __future__ import annotations

import ast
import tempfile
import traceback
from pathlib import Path

from t2j.errors import BadInput
from t2j.settings import Settings
from t2j.source import check_reference, defines_inputs, find_entry, parse_source, read_source, top_level_names
from t2j.verify.isolation import require_isolation, sources_dir
from t2j.verify.report import Verification
from t2j.verify.verdict import FLOAT64_TOLERANCES, assemble, failed, tolerances_for

__all__ = [
    "verify",
    "verify_files",
    "verify_sources",
    "verify_translations",
    "require_isolation",
    "read_source",
    "parse_source",
    "check_reference",
    "find_entry",
    "top_level_names",
    "assemble",
    "tolerances_for",
    "FLOAT64_TOLERANCES",
]


def verify_files(
    ref_path: str | Path,
    jax_path: str | Path,
    entry: str | None = None,
    settings: Settings | None = None,
    weights: dict | None = None,
) -> Verification:
    """Verify the JAX file against the PyTorch reference file, each side in a sandbox. `weights` (a dict), if
    given, receives the reference's weights ported to the translation's layout, by JAX path (modules only).

    Raises BadInput for problems with the reference (or a missing translation file); a translation that
    fails to import, crashes, hangs or differs is a failed Verification, never an exception.
    """
    settings = settings or Settings()
    require_isolation(settings)
    ref_source = read_source(ref_path, "reference")
    if entry is None and is_training_source(ref_source):
        from t2j.verify.training import verify_training_files

        return verify_training_files(ref_path, jax_path, settings)
    entry = check_reference(ref_source, entry, label=f"reference '{ref_path}'")
    jax_source = read_source(jax_path, "translation")
    return _verify_module(Path(ref_path).resolve(), Path(jax_path).resolve(), jax_source, entry, settings, weights)


def verify_sources(
    torch_code: str,
    jax_code: str,
    entry: str | None = None,
    settings: Settings | None = None,
    torch_readable=(),
    jax_readable=(),
) -> Verification:
    """Verify code held in strings (written to a temporary folder, then as `verify_files`). `torch_readable`:
    folders the reference reads (its sandbox alone sees them, read-only); `jax_readable`: the same for the
    translation (a translated project's import root, say)."""
    settings = settings or Settings()
    require_isolation(settings)
    training = entry is None and is_training_source(torch_code)
    if not training:
        entry = check_reference(torch_code, entry)
    # inside this process's sandbox area: visible (read-only) to the warm sandboxes without restarting them
    with tempfile.TemporaryDirectory(prefix="src-", dir=sources_dir()) as folder:
        ref = Path(folder) / "reference" / "reference_torch.py"
        out = Path(folder) / "translation" / "translation_jax.py"
        for path, text in ((ref, torch_code), (out, jax_code)):
            path.parent.mkdir()
            path.write_text(text)
        if training:
            from t2j.verify.training import verify_training_files

            return verify_training_files(ref, out, settings)
        return _verify_module(
            ref, out, jax_code, entry, settings, torch_readable=torch_readable, jax_readable=jax_readable
        )


def verify_translations(
    torch_code: str, jax_codes: list[str], entry: str | None = None, settings: Settings | None = None
) -> list[Verification]:
    """`verify_sources(torch_code, code)` for each of `jax_codes`, in order: the same verdicts, but the sandboxed
    reference runs once for all of them (a module reference is deterministic under the settings' seed). Each
    translation still gets its own sandboxed JAX side and trusted runner, so one's failure is only its own."""
    settings = settings or Settings()
    require_isolation(settings)
    if entry is None and is_training_source(torch_code):
        return [verify_sources(torch_code, code, settings=settings) for code in jax_codes]
    entry = check_reference(torch_code, entry)
    from t2j.verify.jobs import isolation_text, verify_module_jobs

    with tempfile.TemporaryDirectory(prefix="src-", dir=sources_dir()) as folder:
        ref = Path(folder) / "reference" / "reference_torch.py"
        ref.parent.mkdir()
        ref.write_text(torch_code)
        results: list[Verification | None] = [None] * len(jax_codes)
        outs, positions = [], []
        for index, code in enumerate(jax_codes):
            try:
                ast.parse(code)
            except SyntaxError as exc:
                message = f"SyntaxError: {exc.msg} (line {exc.lineno})"
                results[index] = failed("jax", message, entry, settings, isolation_text())
                continue
            out = Path(folder) / f"translation-{index}" / "translation_jax.py"
            out.parent.mkdir()
            out.write_text(code)
            outs.append(out)
            positions.append(index)
        if outs:
            for index, verdict in zip(positions, verify_module_jobs(ref, outs, entry, settings)):
                results[index] = verdict
    return [r for r in results if r is not None]


def is_training_source(source: str) -> bool:
    """A training script (make_models/make_data/train, no get_inputs) is verified by training it."""
    from t2j.verify.training import is_training_script

    return is_training_script(source) and not defines_inputs(source)


def _verify_module(
    ref: Path,
    out: Path,
    jax_source: str,
    entry: str,
    settings: Settings,
    weights: dict | None = None,
    torch_readable=(),
    jax_readable=(),
) -> Verification:
    from t2j.verify.jobs import isolation_text, verify_module_job

    try:
        ast.parse(jax_source)
    except SyntaxError as exc:
        return failed("jax", f"SyntaxError: {exc.msg} (line {exc.lineno})", entry, settings, isolation_text())
    return verify_module_job(ref, out, entry, settings, weights, torch_readable, jax_readable)


# ---------------------------------------------------------------------------------------------------------
# In-process verification of live objects


def verify(
    torch_obj,
    jax_obj,
    inputs=None,
    init_inputs=None,
    settings: Settings | None = None,
    entry: str | None = None,
    init_kwargs: dict | None = None,
) -> Verification:
    """Verify live objects: a torch nn.Module (class or instance) or function against an nnx.Module (class or
    instance) or function. Paths or source strings are routed to the sandboxed `verify_files`/`verify_sources`.
    """
    settings = settings or Settings()
    if isinstance(torch_obj, (str, Path)) and isinstance(jax_obj, (str, Path)):
        if Path(str(torch_obj)).suffix == ".py" and Path(str(jax_obj)).suffix == ".py":
            return verify_files(torch_obj, jax_obj, entry=entry, settings=settings)
        return verify_sources(str(torch_obj), str(jax_obj), entry=entry, settings=settings)
    if inputs is None:
        raise BadInput("verify() of live objects needs inputs=[...] (the forward arguments)")
    name = entry or getattr(torch_obj, "__name__", type(torch_obj).__name__)
    from t2j.verify.jobs import verify_module_in_process
    from t2j.verify.torch_side import run_torch

    import jax
    import torch

    previous_x64 = jax.config.jax_enable_x64
    previous_grad = torch.is_grad_enabled()  # a live module's forward may switch it off for the caller
    try:
        try:
            torch_bundle = run_torch(torch_obj, list(inputs), list(init_inputs or []), settings, init_kwargs)
        except Exception:
            return failed("torch", traceback.format_exc(limit=-8), name, settings, "in-process")
        if settings.float64:
            jax.config.update("jax_enable_x64", True)
        try:
            verdict = verify_module_in_process(torch_bundle, jax_obj, settings, name)
        except Exception:
            return failed("jax", traceback.format_exc(limit=-8), name, settings, "in-process")
        verdict.isolation = "in-process (live objects of the caller)"
        return verdict
    finally:
        jax.config.update("jax_enable_x64", previous_x64)
        torch.set_grad_enabled(previous_grad)
