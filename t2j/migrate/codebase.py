"""`migrate_codebase(options)`: walk SRC, translate (or copy) every file, record inputs, verify modules, write the report.

Phases, each resumable through the state file:
  1. record  (only with --record): run the project's entry point with input-capturing hooks;
  2. translate: one task per file of SRC;
  3. verify: one task per module whose inputs are known (get_inputs() convention or recorded);
  4. report: DST/t2j-report.json and DST/t2j-report.html, rebuilt from the state file every run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from t2j.errors import BadInput
from t2j.migrate.executor import make_executor
from t2j.migrate.files import remove_stale_temporaries
from t2j.migrate.imports import import_root, project_module_classes
from t2j.migrate.models import BAD, COPIED, ERROR, TRANSLATED, FileResult, MigrateOptions, ModuleJob, ModuleResult
from t2j.migrate.report import REPORT_HTML, REPORT_JSON, MigrationReport, build_report, write_report
from t2j.migrate.state import WORK_DIR, RunState
from t2j.migrate.walk import walk
from t2j.migrate.worker import SCRIPT, migrate_file, verify_module
from t2j.settings import Settings


class ProgressSink(Protocol):
    def phase(self, name: str, total: int, done: int) -> None: ...

    def file_done(self, result: FileResult) -> None: ...

    def module_done(self, result: ModuleResult) -> None: ...


class NoProgress:
    def phase(self, name, total, done):
        pass

    def file_done(self, result):
        pass

    def module_done(self, result):
        pass


def _is_inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def check_paths(options: MigrateOptions, force: bool) -> bool:
    """Validate SRC/DST; return True when DST holds a previous run of the same migration to resume."""
    src, dst = Path(options.src), Path(options.dst)
    if not src.is_dir():
        raise BadInput(f"SRC '{src}' is not a folder")
    if src == dst:
        raise BadInput("--out must differ from SRC (SRC is never modified)")
    if _is_inside(dst, src):
        raise BadInput(f"--out '{dst}' lies inside SRC '{src}'; SRC is never modified, choose a folder outside it")
    if _is_inside(src, dst):
        raise BadInput(f"SRC '{src}' lies inside --out '{dst}'; choose another output folder")
    if dst.exists() and not dst.is_dir():
        raise BadInput(f"--out '{dst}' exists and is not a folder")
    if force or not dst.exists() or not any(dst.iterdir()):
        return False
    previous = RunState.describes(dst)
    if previous == options.fingerprint():
        return True
    if previous is None:
        raise BadInput(f"--out '{dst}' is not empty; pass --force to overwrite its files, or choose an empty folder")
    raise BadInput(
        f"--out '{dst}' holds a migration with other options; rerun it with the same options to "
        "resume it, or pass --force to start over"
    )


def module_jobs(options: MigrateOptions, state: RunState, recorded: dict[str, list[str]]) -> list[ModuleJob]:
    src, dst = Path(options.src), Path(options.dst)
    jobs: list[ModuleJob] = []
    for rel, result in sorted(state.files.items()):
        if result.status != TRANSLATED:
            continue
        root, module = import_root(src, rel)
        droot = dst / root.relative_to(src)
        for entry in result.entries:
            jobs.append(
                ModuleJob(
                    path=rel, entry=entry, inputs="get_inputs", module=module, src_root=str(root), dst_root=str(droot)
                )
            )
        if result.train_steps and not result.entries:
            # a training script: verified by recording its torch run and replaying its train steps
            jobs.append(
                ModuleJob(
                    path=rel,
                    entry=SCRIPT,
                    inputs=SCRIPT,
                    module=module,
                    src_root=str(root),
                    dst_root=str(droot),
                    src_file=str(src / rel),
                    dst_file=str(dst / rel),
                )
            )
        for cls in result.classes:
            samples = recorded.get(f"{rel}::{cls}")
            if samples:
                jobs.append(
                    ModuleJob(
                        path=rel,
                        entry=cls,
                        inputs="recorded",
                        module=module,
                        src_root=str(root),
                        dst_root=str(droot),
                        sample=samples[0],
                    )
                )
    return jobs


def hold_lock(dst: Path):
    """An exclusive lock on DST's state: a second `t2j migrate` into the same --out is refused, not doubled."""
    import fcntl

    folder = dst / WORK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / "lock", "w")  # noqa: SIM115 -- held open (and locked) by the caller
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise BadInput(
            f"another `t2j migrate` is writing into '{dst}'; wait for it to finish or choose another --out"
        ) from None
    return handle


def copy_symlink(src: Path, dst: Path, rel: str) -> FileResult:
    """Recreate a symlink of SRC in DST when it points inside SRC; report it otherwise (never followed)."""
    link = src / rel
    target = os.readlink(link)
    inside = Path(os.path.realpath(link)).is_relative_to(src)
    if not inside:
        return FileResult(
            path=rel,
            kind="other",
            status=BAD,
            reason=f"symlink to '{target}', outside SRC: not copied (recreate it in the output)",
        )
    out = dst / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_symlink() or out.exists():
        out.unlink()
    os.symlink(target, out)
    return FileResult(path=rel, kind="other", status=COPIED, reason=f"symlink to '{target}' (recreated as a link)")


def migrate_codebase(
    options: MigrateOptions,
    workers: int = 1,
    executor: str = "local",
    address: str | None = None,
    force: bool = False,
    settings: Settings | None = None,
    progress: ProgressSink | None = None,
) -> MigrationReport:
    """Run (or resume) a migration; returns the report (also written to DST)."""
    progress = progress or NoProgress()
    settings = settings or Settings()
    options = options.model_copy(
        update={"src": str(Path(options.src).resolve()), "dst": str(Path(options.dst).resolve())}
    )
    resume = check_paths(options, force)
    src, dst = Path(options.src), Path(options.dst)
    dst.mkdir(parents=True, exist_ok=True)
    lock = hold_lock(dst)  # held until the report is written
    state = RunState.open(dst, options.fingerprint(), fresh=not resume)
    remove_stale_temporaries(dst)
    links: list[str] = []
    files = walk(src, exclude=[dst], symlinks=links)
    for rel in links:
        if rel not in state.files:
            state.add_file(copy_symlink(src, dst, rel))
    record_log = None

    runner = None
    try:
        if options.record and options.verify:
            from t2j.migrate.record import load_index, record_inputs

            out_dir = dst / WORK_DIR / "record"
            if "record" not in state.markers:
                progress.phase("record", 1, 0)
                outcome = record_inputs(src, files, options.record, out_dir, options.record_timeout_s)
                state.mark("record", outcome.log_tail if outcome.returncode != 0 else None)
                progress.phase("record", 1, 1)
            record_log = state.markers["record"]
            recorded = {k: [str(out_dir / e["file"]) for e in v] for k, v in load_index(out_dir).items()}
        else:
            recorded = {}

        pending = [rel for rel in files if rel not in state.files]
        progress.phase("translate", len(files), len(files) - len(pending))
        if pending:
            runner = make_executor(executor, workers, address)
            project = project_module_classes(src, files)
            for rel, result in runner.map_unordered(migrate_file, pending, options, project):
                if isinstance(result, Exception):
                    result = FileResult(path=rel, kind="python", status=ERROR, reason=f"worker failed: {result}")
                state.add_file(result)
                progress.file_done(result)

        if options.verify:
            jobs = module_jobs(options, state, recorded)
            todo = [job for job in jobs if job.key not in state.modules]
            progress.phase("verify", len(jobs), len(jobs) - len(todo))
            if todo:
                runner = runner or make_executor(executor, workers, address)
                for job, result in runner.map_unordered(verify_module, todo, settings):
                    if isinstance(result, Exception):
                        result = ModuleResult(
                            path=job.path,
                            entry=job.entry,
                            inputs=job.inputs,
                            ok=False,
                            error=str(result),
                            failed_stage="migrate",
                            summary=f"NOT VERIFIED (migrate): {result}",
                        )
                    state.add_module(result)
                    progress.module_done(result)
    finally:
        if runner is not None:
            runner.close()

    try:
        report = build_report(options, state, sorted(files + links), record_log)
        progress.phase("report", 1, 0)
        write_report(report, dst)
    finally:
        lock.close()
    return report


__all__ = ["migrate_codebase", "MigrateOptions", "REPORT_HTML", "REPORT_JSON", "check_paths", "module_jobs"]
