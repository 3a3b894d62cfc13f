"""The migration report: DST/t2j-report.json (for tools) and DST/t2j-report.html (for people)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from pydantic import BaseModel, Field

from t2j.migrate.files import atomic_write_text
from t2j.migrate.imports import unresolved_imports
from t2j.migrate.models import (
    BAD,
    COPIED,
    ERROR,
    FAILED,
    STATUS_ORDER,
    TRANSLATED,
    VERIFIED,
    FileResult,
    MigrateOptions,
    ModuleResult,
    Spot,
)
from t2j.migrate.state import RunState

REPORT_JSON = "t2j-report.json"
REPORT_HTML = "t2j-report.html"


class FileEntry(BaseModel):
    """One file in the report: its translate-phase result, its verified modules, and its final status."""

    result: FileResult
    status: str
    modules: list[ModuleResult] = Field(default_factory=list)
    import_problems: list[Spot] = Field(default_factory=list)

    @property
    def path(self) -> str:
        return self.result.path


class Summary(BaseModel):
    files: int
    by_status: dict[str, int]
    torch_files: int
    modules: int
    modules_verified: int
    share_verified: float | None  # verified modules / modules with inputs
    untranslated_spots: int
    speed_ratio_median: float | None
    bad: list[dict[str, str]] = Field(default_factory=list)  # [{"path", "reason"}] for BAD and ERROR files
    record_log: str | None = None


class MigrationReport(BaseModel):
    src: str
    dst: str
    summary: Summary
    files: list[FileEntry]

    @property
    def ok(self) -> bool:
        """Every module with inputs verified, every file translated or copied."""
        return all(self.summary.by_status.get(s, 0) == 0 for s in (FAILED, ERROR, BAD))


def final_status(result: FileResult, modules: list[ModuleResult]) -> str:
    if result.status != TRANSLATED:
        return result.status
    if any(not m.ok for m in modules):
        return FAILED
    if modules:
        return VERIFIED
    return TRANSLATED


def build_report(
    options: MigrateOptions, state: RunState, files: list[str], record_log: str | None = None
) -> MigrationReport:
    by_file: dict[str, list[ModuleResult]] = {}
    for module in state.modules.values():
        by_file.setdefault(module.path, []).append(module)
    dst = Path(options.dst)
    python = [
        rel
        for rel in files
        if rel in state.files
        and state.files[rel].kind in ("torch", "python")
        and state.files[rel].status in (TRANSLATED, COPIED)
    ]
    problems = unresolved_imports(dst, python)
    entries = []
    for rel in files:
        result = state.files.get(rel)
        if result is None:
            continue
        modules = sorted(by_file.get(rel, []), key=lambda m: (m.entry, m.inputs))
        entries.append(
            FileEntry(
                result=result,
                status=final_status(result, modules),
                modules=modules,
                import_problems=problems.get(rel, []),
            )
        )
    counts = {s: 0 for s in STATUS_ORDER}
    for entry in entries:
        counts[entry.status] = counts.get(entry.status, 0) + 1
    modules = [m for e in entries for m in e.modules]
    ratios = [m.speed_ratio for m in modules if m.ok and m.speed_ratio]
    summary = Summary(
        files=len(entries),
        by_status=counts,
        torch_files=sum(1 for e in entries if e.result.kind == "torch"),
        modules=len(modules),
        modules_verified=sum(1 for m in modules if m.ok),
        share_verified=(sum(1 for m in modules if m.ok) / len(modules)) if modules else None,
        untranslated_spots=sum(len(e.result.spots) + len(e.import_problems) for e in entries),
        speed_ratio_median=statistics.median(ratios) if ratios else None,
        bad=[{"path": e.path, "reason": e.result.reason or ""} for e in entries if e.status in (BAD, ERROR)],
        record_log=record_log,
    )
    return MigrationReport(src=options.src, dst=options.dst, summary=summary, files=entries)


def write_report(report: MigrationReport, dst: Path) -> None:
    from t2j.migrate.html import render_html

    data = report.model_dump()
    atomic_write_text(dst / REPORT_JSON, json.dumps(data, indent=1, sort_keys=True))
    atomic_write_text(dst / REPORT_HTML, render_html(report, Path(report.src), dst))
