"""`t2j eval BENCH --out DIR`: evaluate translation configurations on a benchmark folder."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(
        bench: Path = typer.Argument(
            ..., help="benchmark folder: one sub-folder per problem with torch.py (and optionally jax_ref.py)"
        ),
        out: Path = typer.Option(
            ..., "--out", "-o", help="output folder (results.jsonl, summary.md, plots); re-running resumes"
        ),
        configs: Optional[str] = typer.Option(
            None, "--configs", help="comma-separated: rules, llm, llm+fixes, hybrid, reference (default: rules)"
        ),
        backend: Optional[str] = typer.Option(
            None, "--backend", help="a single backend instead of --configs: rules, openai, hybrid"
        ),
        problems: Optional[str] = typer.Option(None, "--problems", help="comma-separated problem names to run"),
        judge_model: Optional[str] = typer.Option(
            None, "--judge-model", help="model for the LLM judge (default: --model / T2J_MODEL)"
        ),
        no_judge: bool = typer.Option(False, "--no-judge", help="skip the LLM-judge metrics"),
        rejudge: bool = typer.Option(
            False, "--rejudge", help="judge finished pairs whose judge metrics were unavailable or failed"
        ),
        compare_to: str = typer.Option(
            "reference", "--compare-to", help="opponent of the pairwise judge: 'reference' or a configuration"
        ),
        base_url: Optional[str] = typer.Option(
            None, "--base-url", help="OpenAI-compatible server (or OPENAI_BASE_URL)"
        ),
        model: Optional[str] = typer.Option(None, "--model", help="translation model (or T2J_MODEL)"),
        api_key: Optional[str] = typer.Option(None, "--api-key", help="API key (or OPENAI_API_KEY)"),
        max_repairs: Optional[int] = typer.Option(None, "--max-repairs", help="repair rounds per translation"),
        timeout: Optional[float] = typer.Option(None, "--timeout", help="seconds allowed for each verifier side"),
    ):
        """Translate, verify, score (CodeBLEU, LLM judge) and compare configurations on BENCH. Exit 0 when the
        evaluation finished (whatever the pass rate), 2 on bad input."""
        from t2j.eval.api import evaluate
        from t2j.settings import Settings

        updates = {
            k: v
            for k, v in {
                "base_url": base_url,
                "model": model,
                "api_key": api_key,
                "max_repairs": max_repairs,
                "timeout_s": timeout,
            }.items()
            if v is not None
        }
        settings = Settings().model_copy(update=updates)

        def log(line: str) -> None:
            typer.echo(line, err=True)

        run = evaluate(
            bench,
            out,
            configs=configs,
            backend=backend,
            settings=settings,
            judge_model=judge_model,
            judge=not no_judge,
            compare_to=compare_to,
            rejudge=rejudge,
            problems=[p.strip() for p in problems.split(",") if p.strip()] if problems else None,
            command=_command_line(
                bench,
                {
                    "--out": out,
                    "--configs": configs,
                    "--backend": backend,
                    "--problems": problems,
                    "--judge-model": judge_model,
                    "--no-judge": no_judge,
                    "--rejudge": rejudge,
                    "--compare-to": None if compare_to == "reference" else compare_to,
                    "--base-url": base_url,
                    "--model": model,
                    "--api-key": api_key,
                    "--max-repairs": max_repairs,
                    "--timeout": timeout,
                },
            ),
            log=log,
        )
        for note in run.notes:
            log(f"t2j: note: {note}")
        rejudged = f" ({run.rejudged} judged again)" if run.rejudged else ""
        typer.echo(
            f"evaluated {run.new} new pair(s), {run.resumed} already done{rejudged}; "
            f"results: {out / 'results.jsonl'}, summary: {out / 'summary.md'}"
        )


def _command_line(bench: Path, options: dict[str, object]) -> str:
    """The command that reproduces this run, for the summary (an API key is shown as ***)."""
    parts = ["t2j", "eval", str(bench)]
    for flag, value in options.items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(flag)
        else:
            parts += [flag, "***" if flag == "--api-key" else str(value)]
    return " ".join(shlex.quote(p) for p in parts)
