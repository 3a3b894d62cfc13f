"""`t2j migrate SRC --out DST`: translate a whole codebase, verify what can be verified, write a report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer


class RichProgress:
    """A live progress bar: files done, modules verified, failures, ETA."""

    def __init__(self, console=None):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                "verified [green]{task.fields[verified]}[/] failed [red]{task.fields[failed]}[/] "
                "bad [yellow]{task.fields[bad]}[/]"
            ),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.tasks: dict[str, int] = {}
        self.counts = {"verified": 0, "failed": 0, "bad": 0}

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        self.progress.__exit__(*exc)

    def phase(self, name: str, total: int, done: int) -> None:
        for task in self.tasks.values():
            self.progress.update(task, visible=True)
        if name == "report":
            return
        if name in self.tasks:
            self.progress.update(self.tasks[name], total=total, completed=done, **self.counts)
            return
        self.tasks[name] = self.progress.add_task(name, total=total, completed=done, **self.counts)

    def _advance(self, name: str) -> None:
        self.progress.update(self.tasks[name], advance=1, **self.counts)

    def file_done(self, result) -> None:
        if result.status in ("bad", "error"):
            self.counts["bad"] += 1
        self._advance("translate")

    def module_done(self, result) -> None:
        self.counts["verified" if result.ok else "failed"] += 1
        self._advance("verify")


def render_summary(report) -> str:
    s = report.summary
    lines = [f"t2j migrate: {s.files} files ({s.torch_files} PyTorch) -> {report.dst}"]
    lines.append("  " + ", ".join(f"{k} {v}" for k, v in s.by_status.items() if v))
    if s.modules:
        lines.append(
            f"  modules verified: {s.modules_verified}/{s.modules} ({100 * s.share_verified:.0f}%)"
            + (f", median speed ratio {s.speed_ratio_median:.2f}x" if s.speed_ratio_median else "")
        )
    if s.untranslated_spots:
        lines.append(f"  untranslated spots: {s.untranslated_spots}")
    for bad in s.bad:
        lines.append(f"  {bad['path']}: {bad['reason'].splitlines()[-1] if bad['reason'] else ''}")
    for entry in report.files:
        for module in entry.modules:
            if not module.ok:
                lines.append(f"  {entry.path}::{module.entry}: {module.summary}")
    if s.record_log:
        lines.append("  --record command failed:\n    " + s.record_log.replace("\n", "\n    "))
    lines.append(f"  report: {Path(report.dst) / 't2j-report.html'}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("migrate")
    def migrate_command(
        src: Path = typer.Argument(..., help="the PyTorch project folder (never modified)"),
        out: Path = typer.Option(..., "--out", "-o", help="output folder for the JAX project and the report"),
        workers: int = typer.Option(1, "--workers", "-j", help="parallel worker processes (or Ray tasks)"),
        executor: str = typer.Option("local", "--executor", help="local (processes) or ray"),
        ray_address: Optional[str] = typer.Option(
            None, "--ray-address", help="address of an existing Ray cluster (default: local Ray)"
        ),
        record: Optional[str] = typer.Option(
            None,
            "--record",
            help="command that runs the project's PyTorch entry point, e.g. "
            '"python train.py --epochs 1"; module inputs are captured',
        ),
        record_timeout: float = typer.Option(600.0, "--record-timeout", help="seconds allowed for --record"),
        no_verify: bool = typer.Option(False, "--no-verify", help="translate only"),
        force: bool = typer.Option(False, "--force", help="overwrite files in a non-empty --out and start over"),
        max_bytes: int = typer.Option(1_000_000, "--max-bytes", help="Python files above this size are skipped"),
        timeout: float = typer.Option(300.0, "--timeout", help="seconds allowed for each verification side"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
        as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    ):
        """Migrate a PyTorch codebase to JAX. Exit 0 when every module with inputs verified, 1 otherwise,
        2 bad input. Re-run the same command after an interruption to resume."""
        from t2j.migrate.models import MigrateOptions
        from t2j.migrate.codebase import check_paths, migrate_codebase
        from t2j.settings import Settings

        options = MigrateOptions(
            src=str(src.resolve()),
            dst=str(out.resolve()),
            verify=not no_verify,
            record=record,
            record_timeout_s=record_timeout,
            max_bytes=max_bytes,
        )
        check_paths(options, force)  # bad input fails before anything is written
        settings = Settings(timeout_s=timeout)
        if quiet or as_json:
            report = migrate_codebase(
                options, workers=workers, executor=executor, address=ray_address, force=force, settings=settings
            )
        else:
            with RichProgress() as progress:
                report = migrate_codebase(
                    options,
                    workers=workers,
                    executor=executor,
                    address=ray_address,
                    force=force,
                    settings=settings,
                    progress=progress,
                )
        if as_json:
            typer.echo(json.dumps(report.model_dump(), indent=1))
        else:
            typer.echo(render_summary(report), err=False)
        sys.stdout.flush()
        raise typer.Exit(0 if report.ok else 1)
