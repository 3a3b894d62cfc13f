"""`t2j translate IN -o OUT`: translate a PyTorch file to JAX (rules backend by default) and verify it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from t2j.errors import BadInput


def register(app: typer.Typer) -> None:
    @app.command("translate")
    def translate_command(
        source: Path = typer.Argument(..., help="PyTorch .py file to translate (never modified)"),
        out: Path = typer.Option(..., "-o", "--out", help="where to write the JAX translation"),
        backend: str = typer.Option("rules", "--backend", help="rules (offline); other backends when installed"),
        no_verify: bool = typer.Option(False, "--no-verify", help="do not run the verifier"),
        as_json: bool = typer.Option(False, "--json", help="print the Translation as JSON"),
        force: bool = typer.Option(False, "--force", help="overwrite OUT if it exists"),
        entry: Optional[str] = typer.Option(None, "--entry", help="module class or function to verify (default Model)"),
    ):
        """Translate SOURCE to Flax NNX + optax. Exit 0 translated (and verified), 1 not verified, 2 bad input."""
        from t2j.translate import translate

        if out.exists() and not force:
            raise BadInput(f"output '{out}' exists; pass --force to overwrite it")
        if out.resolve() == source.resolve():
            raise BadInput("output path is the input file; choose another -o")
        result = translate(source, backend=backend, verify=not no_verify, entry=entry)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result.code)
        if as_json:
            typer.echo(result.model_dump_json(indent=2))
        else:
            typer.echo(f"wrote {out} ({len(result.rules_fired)} rules fired, {result.seconds * 1e3:.1f} ms)")
            for d in result.diagnostics:
                typer.echo(f"  line {d.line}: {d.message}")
            if result.verification is not None:
                from t2j.verify.cli import render

                typer.echo(render(result.verification))
        verified = result.verification is None or result.verification.ok
        raise typer.Exit(0 if verified else 1)
