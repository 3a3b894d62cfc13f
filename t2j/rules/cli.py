"""`t2j translate IN -o OUT`: translate a PyTorch file to JAX (rules backend by default) and verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from t2j.errors import BadInput


def register(app: typer.Typer) -> None:
    @app.command("translate")
    def translate_command(
        source: Path = typer.Argument(..., help="PyTorch .py file to translate (never modified)"),
        out: Path = typer.Option(..., "-o", "--out", help="where to write the JAX translation"),
        backend: str = typer.Option("rules", "--backend", help="rules (offline), openai (LLM) or hybrid (rules + LLM)"),
        no_verify: bool = typer.Option(False, "--no-verify", help="do not run the verifier"),
        as_json: bool = typer.Option(False, "--json", help="print the Translation as JSON"),
        force: bool = typer.Option(False, "--force", help="overwrite OUT if it exists"),
        entry: Optional[str] = typer.Option(None, "--entry", help="module class or function to verify (default Model)"),
        base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible server (or OPENAI_BASE_URL)"),
        model: Optional[str] = typer.Option(None, "--model", help="LLM model name (or T2J_MODEL)"),
        api_key: Optional[str] = typer.Option(None, "--api-key", help="API key (or OPENAI_API_KEY)"),
        max_repairs: Optional[int] = typer.Option(None, "--max-repairs", min=0, help="LLM repair rounds (default 3)"),
        record_timeout: float = typer.Option(300.0, "--record-timeout", min=1.0,
                                             help="training scripts: seconds each recorded/replayed run may take"),
        max_steps: int = typer.Option(5, "--max-steps", min=1, help="training scripts: optimizer steps replayed"),
    ):
        """Translate SOURCE to Flax NNX + optax. Exit 0 translated (and verified), 1 not verified, 2 bad input."""
        from t2j.translate import translate

        if out.exists() and not force:
            raise BadInput(f"output '{out}' exists; pass --force to overwrite it")
        if out.resolve() == source.resolve():
            raise BadInput("output path is the input file; choose another -o")
        if source.suffix == ".ipynb":  # notebooks: t2j/migrate/notebook.py
            from t2j.migrate.notebook import run_notebook_command

            raise typer.Exit(run_notebook_command(source, out, backend, not no_verify, as_json, force))
        from t2j.repair.cli_support import llm_settings, round_lines

        settings = llm_settings(base_url=base_url, model=model, api_key=api_key, max_repairs=max_repairs)
        settings = settings.model_copy(update={"record_timeout_s": record_timeout, "record_max_steps": max_steps})
        result = translate(source, backend=backend, verify=not no_verify, entry=entry, settings=settings)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result.code)
        if as_json:
            typer.echo(result.model_dump_json(indent=2))
        else:
            typer.echo(f"wrote {out} ({len(result.rules_fired)} rules fired, {result.seconds * 1e3:.1f} ms)")
            for d in result.diagnostics:
                typer.echo(f"  line {d.line}: {d.message}")
            for line in round_lines(result):
                typer.echo(line)
            if result.verification is not None:
                from t2j.verify.cli import render

                typer.echo(render(result.verification))
            elif not no_verify:
                typer.echo("not verified: define get_inputs() (and get_init_inputs()) to verify a module; a "
                           "training script is verified by recording its torch run")
        verified = result.verification is None or result.verification.ok
        raise typer.Exit(0 if verified else 1)
