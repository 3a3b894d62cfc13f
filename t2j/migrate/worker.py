"""The per-file and per-module work of a migration. Both functions are pure in the sense that matters for
resuming: they only read SRC, write their own output atomically, and return a result (never raise)."""

from __future__ import annotations

import ast
import re
import time
import traceback
from pathlib import Path

from t2j.migrate.files import atomic_copy, atomic_write_text, sha256_bytes
from t2j.migrate.imports import drop_unused_torch_imports, import_root, pass_rngs_to_project_modules, uses_torch
from t2j.migrate.models import (
    BAD,
    COPIED,
    ERROR,
    TRANSLATED,
    CheckResult,
    FileResult,
    MigrateOptions,
    ModuleJob,
    ModuleResult,
    Spot,
    TensorProblem,
)
from t2j.migrate.walk import is_python
from t2j.settings import Settings
from t2j.verify.report import last_error_line


def _module_bases(node: ast.ClassDef) -> list[str]:
    names = []
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.append(base.id)
        elif isinstance(base, ast.Attribute):
            names.append(base.attr)
    return names


def module_classes(tree: ast.Module) -> list[str]:
    """Top-level classes that subclass nn.Module (directly, or through a class of the same file)."""
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bases = _module_bases(node)
            if "Module" in bases or any(b in found for b in bases):
                found.append(node.name)
    return found


def convention_entries(source: str, tree: ast.Module, classes: list[str]) -> list[str]:
    """The entry verified with the file's own get_inputs()/get_init_inputs(), if it has them."""
    from t2j.source import defines_inputs, find_entry, top_level_names

    names = top_level_names(tree)
    if not defines_inputs(tree):
        return []
    entry = find_entry(source, None)
    if entry in names:
        return [entry]
    return classes[:1] if len(classes) == 1 else []


def migrate_file(rel: str, options: MigrateOptions, project: dict[str, set[str]] | None = None) -> FileResult:
    """Translate one file of SRC into DST (or copy it unchanged); never raises."""
    start = time.perf_counter()
    src_file, dst_file = Path(options.src) / rel, Path(options.dst) / rel
    kind = "python" if is_python(rel) else "other"
    try:
        result = _migrate_file(rel, kind, src_file, dst_file, options, project or {})
    except Exception as exc:  # an I/O failure or a translator crash: the run goes on
        tail = "".join(traceback.format_exception(exc)[-3:]).strip()
        result = FileResult(path=rel, kind=kind, status=ERROR, reason=tail[-2000:])
        try:
            atomic_copy(src_file, dst_file)
        except OSError:
            pass
    result.seconds = round(time.perf_counter() - start, 3)
    return result


def _migrate_file(
    rel: str, kind: str, src_file: Path, dst_file: Path, options: MigrateOptions, project: dict[str, set[str]]
) -> FileResult:
    if kind == "other":
        atomic_copy(src_file, dst_file)
        return FileResult(path=rel, kind=kind, status=COPIED)
    size = src_file.stat().st_size
    if size > options.max_bytes:
        atomic_copy(src_file, dst_file)
        return FileResult(
            path=rel,
            kind=kind,
            status=BAD,
            reason=f"huge: {size} bytes, over the {options.max_bytes}-byte limit (--max-bytes); copied unchanged",
        )
    data = src_file.read_bytes()
    digest = sha256_bytes(data)
    if b"\x00" in data:
        atomic_copy(src_file, dst_file)
        return FileResult(
            path=rel,
            kind=kind,
            status=BAD,
            source_sha256=digest,
            reason="binary: contains NUL bytes, not Python source; copied unchanged",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        atomic_copy(src_file, dst_file)
        return FileResult(
            path=rel,
            kind=kind,
            status=BAD,
            source_sha256=digest,
            reason=f"not UTF-8 text (byte {exc.start}); copied unchanged",
        )
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        atomic_copy(src_file, dst_file)
        return FileResult(
            path=rel,
            kind=kind,
            status=BAD,
            source_sha256=digest,
            reason=f"not valid Python: {exc.msg} at line {exc.lineno}; copied unchanged",
        )
    if not uses_torch(tree):
        atomic_copy(src_file, dst_file)
        return FileResult(path=rel, kind=kind, status=COPIED, source_sha256=digest, output_sha256=digest)

    from t2j.backends import translate
    from t2j.verify.recording import train_steps_of

    translation = translate(text, backend=options.backend, verify=False)
    code, kept = drop_unused_torch_imports(translation.code)
    src_root, module = import_root(Path(options.src), rel)
    package = module if rel.endswith("__init__.py") else module.rpartition(".")[0]
    code, _ = pass_rngs_to_project_modules(code, module, package, project)
    atomic_write_text(dst_file, code)
    classes = module_classes(tree)
    spots = [Spot(line=d.line, message=d.message, snippet=d.snippet) for d in translation.diagnostics] + kept
    return FileResult(
        path=rel,
        kind="torch",
        status=TRANSLATED,
        spots=spots,
        rules_fired=sorted(set(translation.rules_fired)),
        entries=convention_entries(text, tree, classes),
        classes=classes,
        # the recording checker runs a script alone: one that imports the project's own modules is not checked
        train_steps=[] if imports_project(tree, src_root) else [step["step"] for step in train_steps_of(code)],
        source_sha256=digest,
        output_sha256=sha256_bytes(code.encode("utf-8")),
    )


# ------------------------------------------------------------------------------------------------------------
# Verify phase


def wrapper_sources(job: ModuleJob) -> tuple[str, str]:
    """Two small problem files that import the module from SRC (torch) and from DST (JAX) under its own
    package name, so that the project's imports resolve on each side, and supply the inputs."""
    head = "import importlib\nimport sys\n\nsys.path.insert(0, {root!r})\n_m = importlib.import_module({module!r})\n"
    torch_side = head.format(root=job.src_root, module=job.module) + f"{job.entry} = _m.{job.entry}\n\n"
    if job.inputs == "recorded":
        torch_side += (
            "import torch\n\n"
            f"_sample = torch.load({job.sample!r}, weights_only=False)\n\n\n"
            "def get_init_inputs():\n    return list(_sample['init_args'])\n\n\n"
            "def get_inputs():\n    return list(_sample['args'])\n"
        )
    else:
        torch_side += (
            "\ndef get_init_inputs():\n"
            "    return list(_m.get_init_inputs()) if hasattr(_m, 'get_init_inputs') else []\n\n\n"
            "def get_inputs():\n    return list(_m.get_inputs())\n"
        )
    jax_side = head.format(root=job.dst_root, module=job.module) + f"{job.entry} = _m.{job.entry}\n"
    return torch_side, jax_side


_EXCEPTION_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)|EntryNotFound)\b.*")


def headline(verification) -> str:
    """The one-line verdict, naming the exception itself (not a framework's trailing note) when it failed."""
    if not verification.error:
        return verification.summary()
    lines = [line.strip() for line in verification.error.strip().splitlines() if line.strip()]
    exceptions = [line for line in lines if _EXCEPTION_LINE.match(line)]
    last = exceptions[-1] if exceptions else (lines[-1] if lines else "")
    return f"NOT VERIFIED ({verification.failed_stage}): {last[:300]}"


def to_module_result(job: ModuleJob, verification, seconds: float) -> ModuleResult:
    checks = []
    for check in verification.checks:
        checks.append(
            CheckResult(
                name=check.name,
                ok=check.ok,
                skipped=check.skipped,
                max_abs_err=check.max_abs_err,
                failing=[
                    TensorProblem(name=t.name, max_abs_err=t.max_abs_err, limit=t.limit, problem=t.problem)
                    for t in check.tensors
                    if not t.ok
                ][:10],
            )
        )
    return ModuleResult(
        path=job.path,
        entry=job.entry,
        inputs=job.inputs,
        ok=verification.ok,
        forward_ok=verification.forward_ok,
        backward_ok=verification.backward_ok,
        speed_ratio=verification.speed_ratio,
        summary=headline(verification),
        error=(verification.error or None) and verification.error[-3000:],
        failed_stage=verification.failed_stage,
        checks=checks,
        seconds=round(seconds, 3),
    )


def imports_project(tree: ast.Module, root: Path) -> bool:
    """Whether the file imports a module of its own project (a file or package under its import root)."""
    for node in ast.walk(tree):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        if isinstance(node, ast.ImportFrom) and node.level:
            return True
        for name in names:
            top = name.split(".")[0]
            if top and ((root / f"{top}.py").exists() or (root / top).is_dir()):
                return True
    return False


SCRIPT = "script"  # ModuleJob.inputs of a training script, checked by recording its torch run


def verify_training_script(job: ModuleJob, settings: Settings, start: float) -> ModuleResult:
    """A training script of SRC against its translation in DST by the recording checker (t2j.verify.recording):
    its torch run recorded, its module classes checked with the recorded arguments, its train steps replayed.
    The two sides run the script alone (a script that imports the project's own modules is not recorded)."""
    from t2j.verify.recording import as_verification, verify_script_sources

    report = verify_script_sources(
        Path(job.src_file).read_text(),
        Path(job.dst_file).read_text(),
        max_steps=settings.record_max_steps,
        timeout_s=settings.record_timeout_s,
        settings=settings,
    )
    return to_module_result(job, as_verification(report), time.perf_counter() - start)


def verify_module(job: ModuleJob, settings: Settings | None = None) -> ModuleResult:
    """Verify one module of the translated tree against SRC; never raises."""
    start = time.perf_counter()
    settings = settings or Settings()
    try:
        from t2j.errors import BadInput
        from t2j.verify.api import verify_sources

        if job.inputs == SCRIPT:
            return verify_training_script(job, settings, start)
        torch_side, jax_side = wrapper_sources(job)
        # each side's sandbox sees its own tree (and the recorded sample), read-only; never the other's
        torch_readable = [job.src_root] + ([str(Path(job.sample).parent)] if job.sample else [])
        try:
            verification = verify_sources(
                torch_side,
                jax_side,
                entry=job.entry,
                settings=settings,
                torch_readable=torch_readable,
                jax_readable=[job.dst_root],
            )
        except BadInput as exc:
            return ModuleResult(
                path=job.path,
                entry=job.entry,
                inputs=job.inputs,
                ok=False,
                error=str(exc),
                failed_stage="input",
                summary=f"NOT VERIFIED (input): {exc}",
                seconds=round(time.perf_counter() - start, 3),
            )
        return to_module_result(job, verification, time.perf_counter() - start)
    except Exception as exc:
        tail = "".join(traceback.format_exception(exc)[-3:]).strip()[-3000:]
        return ModuleResult(
            path=job.path,
            entry=job.entry,
            inputs=job.inputs,
            ok=False,
            error=tail,
            failed_stage="migrate",
            summary="NOT VERIFIED (migrate): " + last_error_line(tail),
            seconds=round(time.perf_counter() - start, 3),
        )
