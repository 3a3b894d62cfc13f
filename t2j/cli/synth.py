"""`t2j synth`: make a verified PyTorch/JAX parallel corpus; `t2j synth-export`: turn it into training data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from t2j.errors import BadInput


def _split(value: Optional[str]) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _export(rows: Path, chat: Optional[Path], fewshot: Optional[Path], per_api: int) -> None:
    from t2j.synth.export import export_chat, export_fewshot

    if chat:
        n = export_chat(rows, chat)
        typer.echo(f"wrote {n} chat examples to {chat}")
    if fewshot:
        n = export_fewshot(rows, fewshot, per_api=per_api)
        typer.echo(f"wrote few-shot examples for {n} torch APIs to {fewshot}")


def register(app: typer.Typer) -> None:
    @app.command("synth")
    def synth_command(
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="JSONL file to fill (resumed if it exists)"),
        count: int = typer.Option(100, "--count", "-n", help="number of verified, distinct rows wanted"),
        seed: int = typer.Option(0, "--seed", help="seed of the candidate stream"),
        workers: int = typer.Option(2, "--workers", "-w", help="worker processes"),
        categories: Optional[str] = typer.Option(
            None, "--categories", help="comma-separated categories (default: all; see --list)"
        ),
        ir: str = typer.Option("jaxpr,hlo,stablehlo", "--ir", help="IR kinds to record: jaxpr,hlo,stablehlo"),
        rtol: float = typer.Option(2e-5, "--rtol", help="relative tolerance (bfloat16 rows use 3e-2)"),
        atol: float = typer.Option(1e-5, "--atol", help="absolute tolerance"),
        timeout: float = typer.Option(
            60.0, "--timeout", help="seconds a candidate may take before it is rejected as hung (0: no limit)"
        ),
        stats: Optional[Path] = typer.Option(None, "--stats", help="write the run report as JSON here"),
        chat: Optional[Path] = typer.Option(None, "--export-chat", help="also export chat fine-tuning JSONL"),
        fewshot: Optional[Path] = typer.Option(
            None, "--export-fewshot", help="also export few-shot examples keyed by torch API (JSON)"
        ),
        list_categories: bool = typer.Option(False, "--list", help="list the categories and exit"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
        force: bool = typer.Option(False, "--force", help="replace OUT even if it is not a t2j JSONL file"),
    ):
        """Generate paired PyTorch/JAX functions, verify each (outputs and gradients of all differentiable
        arguments, under jit), and append the verified, distinct ones with their IR to OUT."""
        from t2j.synth.categories import CATEGORIES

        if list_categories:
            typer.echo("\n".join(CATEGORIES))
            return
        if out is None:
            raise BadInput("give the output file: t2j synth --out corpus.jsonl --count N")
        from t2j.outputs import check_jsonl_target

        if timeout < 0:
            raise BadInput(f"--timeout must be 0 (no limit) or a positive number of seconds, got {timeout:g}")
        if out.is_dir() or (out.is_symlink() and not out.exists()):
            from t2j.outputs import check_output

            check_output(out, force=True, what="--out")
        check_jsonl_target(out, force)
        from t2j.synth.engine import SynthConfig, synthesize

        config = SynthConfig(
            count=count,
            seed=seed,
            workers=workers,
            categories=_split(categories) or list(CATEGORIES),
            ir=_split(ir) if ir.strip().lower() != "none" else [],
            rtol=rtol,
            atol=atol,
            timeout_s=timeout,
        )
        if quiet:
            report = synthesize(config, out)
        else:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            with Progress(
                TextColumn("synth"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=False,
            ) as bar:
                task = bar.add_task("synth", total=count)
                report = synthesize(config, out, progress=lambda done, total: bar.update(task, completed=done))
        typer.echo(report.table())
        typer.echo(
            f"{report.rows} rows in {out} ({report.written} new, {report.resumed_rows} resumed); "
            f"{report.samples_per_s:.2f} verified samples/s with {workers} workers; distinct "
            f"{report.distinct}/{report.candidates} = {report.distinct_ratio:.3f}"
        )
        if stats:
            stats.write_text(json.dumps(report.model_dump(), indent=2))
        _export(out, chat, fewshot, per_api=3)

    @app.command("synth-export")
    def synth_export_command(
        rows: Path = typer.Argument(..., help="a JSONL file written by `t2j synth`"),
        chat: Optional[Path] = typer.Option(None, "--chat", help="chat fine-tuning JSONL (PyTorch in, JAX out)"),
        fewshot: Optional[Path] = typer.Option(None, "--fewshot", help="few-shot examples keyed by torch API"),
        per_api: int = typer.Option(3, "--per-api", help="few-shot examples kept per torch API"),
    ):
        """Export a synth corpus as chat fine-tuning data and/or few-shot examples for the prompt builder."""
        if not rows.exists():
            raise BadInput(f"{rows} does not exist; make it with `t2j synth --out {rows}`")
        if not chat and not fewshot:
            raise BadInput("nothing to export: give --chat PATH and/or --fewshot PATH")
        _export(rows, chat, fewshot, per_api)
