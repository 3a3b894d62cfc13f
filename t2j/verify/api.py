"""The verifier: is this JAX translation equivalent to the PyTorch code it came from?

- `verify_files(ref, out)`: each side runs in its own sandboxed subprocess (the translation is untrusted).
- `verify_sources(torch_code, jax_code)`: the same for code held in strings.
- `verify(torch_obj, jax_obj, inputs=..., init_inputs=...)`: live objects, in this process.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import tempfile
import traceback
from pathlib import Path

import numpy as np

from t2j.errors import BadInput
from t2j.settings import Settings
from t2j.verify.bundle import Bundle
from t2j.verify.compare import compare_arrays, compare_trees
from t2j.verify.port import apply_steps
from t2j.verify.report import IR, Check, PortedTensor, TensorCheck, Timing, Tolerances, Verification, last_error_line
from t2j.verify.sandbox import run_side

_ENTRY_DIRECTIVE = re.compile(r"^#\s*t2j:\s*entry\s*=\s*([A-Za-z_]\w*)", re.MULTILINE)
FLOAT64_TOLERANCES = Tolerances(rtol=1e-10, atol=1e-12)


def tolerances_for(settings: Settings) -> Tolerances:
    defaults = Settings()
    if settings.float64 and (settings.rtol, settings.atol) == (defaults.rtol, defaults.atol):
        return FLOAT64_TOLERANCES
    return Tolerances(rtol=settings.rtol, atol=settings.atol)


# ---------------------------------------------------------------------------------------------------------
# Reading the reference


def read_source(path: str | Path, what: str) -> str:
    """Read a Python file the user gave us, or raise BadInput saying what is wrong with it."""
    path = Path(path)
    if not path.exists():
        raise BadInput(f"{what} '{path}' does not exist")
    if not path.is_file():
        raise BadInput(f"{what} '{path}' is not a file")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise BadInput(f"{what} '{path}' is a binary file, not Python source")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{what} '{path}' is not UTF-8 text") from None
    if not text.strip():
        raise BadInput(f"{what} '{path}' is empty")
    return text


def parse_source(text: str, label: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        raise BadInput(f"{label} has a syntax error at line {exc.lineno}: {exc.msg}") from None


def top_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def find_entry(source: str, entry: str | None) -> str:
    """The entry's name: as given, else a `# t2j: entry=NAME` directive, else `Model`."""
    if entry:
        return entry
    match = _ENTRY_DIRECTIVE.search(source)
    return match.group(1) if match else "Model"


def check_reference(source: str, entry: str | None, label: str = "reference") -> str:
    """Validate a PyTorch problem file; return its entry name or raise BadInput."""
    tree = parse_source(source, label)
    entry = find_entry(source, entry)
    names = top_level_names(tree)
    if entry not in names:
        found = sorted(n for n in names if not n.startswith("_") and n not in {"get_inputs", "get_init_inputs"})
        hint = f" (it defines: {', '.join(found[:8])})" if found else ""
        raise BadInput(f"{label} defines no '{entry}'{hint}; pass --entry NAME")
    if "get_inputs" not in names:
        raise BadInput(
            f"{label} has no get_inputs(): define get_inputs() returning the forward arguments "
            "(and get_init_inputs() for constructor arguments), or pass inputs from Python"
        )
    return entry


# ---------------------------------------------------------------------------------------------------------
# Assembling the verdict from both sides


def assemble(torch_bundle: Bundle, jax_bundle: Bundle, settings: Settings, entry: str) -> Verification:
    tol = tolerances_for(settings)
    checks = [compare_trees("forward_eval", torch_bundle.group("out_eval"), jax_bundle.group("out_eval"), tol)]
    mappings = jax_bundle.meta.get("mappings", [])
    by_key: dict[str, list[dict]] = {}
    for m in mappings:
        by_key.setdefault(m["torch_key"], []).append(m)

    if torch_bundle.meta.get("differentiable"):
        checks.append(_backward_check(torch_bundle, jax_bundle, by_key, tol))
    else:
        checks.append(Check(name="backward", ok=True,
                            skipped="no floating-point output depends on a floating-point input or parameter"))

    if torch_bundle.meta.get("kind") == "module":
        if "train_skipped" in torch_bundle.meta:
            checks.append(Check(name="forward_train", ok=True, skipped=torch_bundle.meta["train_skipped"]))
        else:
            if "train_error" in jax_bundle.meta:
                checks.append(_error_check("forward_train", jax_bundle.meta["train_error"]))
            else:
                checks.append(compare_trees("forward_train", torch_bundle.group("out_train"),
                                            jax_bundle.group("out_train"), tol))
            checks.append(_running_stats_check(torch_bundle, jax_bundle, by_key, tol))

    timing = Timing(
        torch_eager_s=torch_bundle.meta.get("torch_eager_s"),
        jax_jit_s=jax_bundle.meta.get("jax_jit_s"),
        compile_s=jax_bundle.meta.get("compile_s"),
    )
    return Verification(
        ok=all(c.ok for c in checks),
        entry=entry,
        checks=checks,
        ported=[PortedTensor(torch_key=m["torch_key"], jax_path=m["jax_path"], transform=m["description"],
                             shape=m["shape"]) for m in mappings],
        tolerances=tol,
        float64=settings.float64,
        timing=timing,
        ir_forward=IR(**jax_bundle.meta["ir_forward"]) if "ir_forward" in jax_bundle.meta else None,
        ir_backward=IR(**jax_bundle.meta["ir_backward"]) if "ir_backward" in jax_bundle.meta else None,
        notes=[f"not ported: {s}" for s in jax_bundle.meta.get("skipped", [])],
    )


def _error_check(name: str, error: str) -> Check:
    last = last_error_line(error)
    return Check(name=name, ok=False, tensors=[TensorCheck(name=name, ok=False, max_abs_err=float("inf"),
                                                           problem=f"the JAX side raised: {last}")])


def _backward_check(torch_bundle: Bundle, jax_bundle: Bundle, by_key, tol: Tolerances) -> Check:
    if "backward_error" in jax_bundle.meta:
        return _error_check("backward", jax_bundle.meta["backward_error"])
    expected = {f"d/d input[{k}]": v for k, v in torch_bundle.group("grad_input").items()}
    actual = {f"d/d input[{k}]": v for k, v in jax_bundle.group("grad_input").items()}
    check = compare_trees("backward", expected, actual, tol)
    jax_grads = jax_bundle.group("grad_param")
    for key, grad in torch_bundle.group("grad_param").items():
        for m in by_key.get(key, []):
            name = f"d/d {key}"
            want = apply_steps(grad, m["steps"])
            got = jax_grads.get(m["jax_path"])
            if got is None:
                got = np.zeros_like(want)
                if np.any(want != 0):
                    check.tensors.append(compare_arrays(name, want, got, tol).model_copy(update={
                        "problem": f"the JAX model holds '{m['jax_path']}' as a non-trainable variable "
                                   "(wrap it in nnx.Param)"}))
                    continue
            check.tensors.append(compare_arrays(f"{name} (as {m['jax_path']})", want, got, tol))
    check.ok = all(t.ok for t in check.tensors)
    return check


def _running_stats_check(torch_bundle: Bundle, jax_bundle: Bundle, by_key, tol: Tolerances) -> Check:
    if "train_error" in jax_bundle.meta:
        return _error_check("running_stats", jax_bundle.meta["train_error"])
    jax_state = jax_bundle.group("state_train")
    expected, actual = {}, {}
    for key, value in torch_bundle.group("state_train").items():
        for m in by_key.get(key, []):
            name = f"{key} (as {m['jax_path']})"
            expected[name] = apply_steps(value, m["steps"])
            if m["jax_path"] in jax_state:
                actual[name] = jax_state[m["jax_path"]]
    return compare_trees("running_stats", expected, actual, tol)


def _failed(stage: str, error: str, entry: str, settings: Settings) -> Verification:
    return Verification(ok=False, entry=entry, failed_stage=stage, error=error,
                        tolerances=tolerances_for(settings), float64=settings.float64)


# ---------------------------------------------------------------------------------------------------------
# Sandboxed (file) verification


def verify_files(ref_path: str | Path, jax_path: str | Path, entry: str | None = None,
                 settings: Settings | None = None) -> Verification:
    """Verify the JAX file against the PyTorch reference file, each side in a sandboxed subprocess.

    Raises BadInput for problems with the reference (or a missing translation file); a translation that
    fails to import, crashes, hangs or differs is a failed Verification, never an exception.
    """
    settings = settings or Settings()
    ref_source = read_source(ref_path, "reference")
    if entry is None and _is_training(ref_source):
        from t2j.verify.training import verify_training_files

        return verify_training_files(ref_path, jax_path, settings)
    entry = check_reference(ref_source, entry, label=f"reference '{ref_path}'")
    jax_source = read_source(jax_path, "translation")
    return _verify_in_sandbox(Path(ref_path).resolve(), Path(jax_path).resolve(), jax_source, entry, settings)


def verify_sources(torch_code: str, jax_code: str, entry: str | None = None,
                   settings: Settings | None = None) -> Verification:
    """Verify code held in strings (written to a temporary folder, then as `verify_files`)."""
    settings = settings or Settings()
    training = entry is None and _is_training(torch_code)
    if not training:
        entry = check_reference(torch_code, entry)
    with tempfile.TemporaryDirectory(prefix="t2j-src-") as folder:
        ref = Path(folder) / "reference_torch.py"
        out = Path(folder) / "translation_jax.py"
        ref.write_text(torch_code)
        out.write_text(jax_code)
        if training:
            from t2j.verify.training import verify_training_files

            return verify_training_files(ref, out, settings)
        return _verify_in_sandbox(ref, out, jax_code, entry, settings)


def _is_training(source: str) -> bool:
    """A training script (make_models/make_data/train, no get_inputs) is verified by training it."""
    from t2j.verify.training import is_training_script

    return is_training_script(source) and not re.search(r"^def get_inputs\(", source, re.MULTILINE)


def _verify_in_sandbox(ref: Path, out: Path, jax_source: str, entry: str, settings: Settings,
                       mode: str = "module", assembler=None) -> Verification:
    """Run the torch side then the JAX side of a `mode` job ("module" or "training") in sandboxed children and
    assemble the verdict (`assembler(torch_bundle, jax_bundle, settings, entry)`, by default `assemble`)."""
    assembler = assembler or assemble
    try:
        ast.parse(jax_source)
    except SyntaxError as exc:
        return _failed("jax", f"SyntaxError: {exc.msg} (line {exc.lineno})", entry, settings)
    workdir = Path(tempfile.mkdtemp(prefix="t2j-verify-"))
    try:
        job = {"ref": str(ref), "jax": str(out), "entry": entry, "mode": mode, "settings": settings.model_dump(
            include={"rtol", "atol", "float64", "timing_runs", "collect_ir", "seed"})}
        (workdir / "job.json").write_text(json.dumps(job))
        for side in ("torch", "jax"):
            result = run_side(side, workdir, settings.timeout_s, settings.memory_limit_mb,
                              warm=settings.warm_sandbox)
            if result.timed_out:
                return _failed(side, f"timed out after {settings.timeout_s:g} s (killed)\n{result.tail()}",
                               entry, settings)
            if result.returncode != 0:
                reason = result.tail() or f"exited with code {result.returncode}"
                if result.returncode is not None and result.returncode < 0:
                    reason += f"\n(killed by signal {-result.returncode}; memory limit {settings.memory_limit_mb} MB)"
                elif "MemoryError" in reason or "std::bad_alloc" in reason:
                    reason += f"\n(memory limit {settings.memory_limit_mb} MB)"
                return _failed(side, reason, entry, settings)
        return assembler(Bundle.load(workdir / "torch"), Bundle.load(workdir / "jax"), settings, entry)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------
# In-process verification of live objects


def verify(torch_obj, jax_obj, inputs=None, init_inputs=None, settings: Settings | None = None,
           entry: str | None = None) -> Verification:
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
    from t2j.verify.jax_side import run_jax
    from t2j.verify.torch_side import run_torch

    import jax

    previous_x64 = jax.config.jax_enable_x64
    try:
        try:
            torch_bundle = run_torch(torch_obj, list(inputs), list(init_inputs or []), settings)
        except Exception:
            return _failed("torch", traceback.format_exc(limit=-8), name, settings)
        if settings.float64:
            jax.config.update("jax_enable_x64", True)
        try:
            jax_bundle = run_jax(jax_obj, torch_bundle, settings)
        except Exception:
            return _failed("jax", traceback.format_exc(limit=-8), name, settings)
        return assemble(torch_bundle, jax_bundle, settings, name)
    finally:
        jax.config.update("jax_enable_x64", previous_x64)
