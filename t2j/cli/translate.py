"""`t2j translate IN -o OUT`: translate a PyTorch file or notebook to JAX (rules backend by default), verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from t2j.errors import BadInput
from t2j.settings import Settings


def llm_settings(
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    max_repairs: int | None = None,
    settings: Settings | None = None,
) -> Settings:
    """Settings with the command-line values over the environment's (OPENAI_BASE_URL, OPENAI_API_KEY, T2J_MODEL)."""
    settings = settings or Settings()
    update = {
        k: v
        for k, v in {"base_url": base_url, "model": model, "api_key": api_key, "max_repairs": max_repairs}.items()
        if v is not None
    }
    return settings.model_copy(update=update) if update else settings


def round_lines(result) -> list[str]:
    """One line per pipeline round (LLM backends): kind, prompt size, fixes, verdict, tokens and cost."""
    lines = []
    for r in getattr(result, "rounds", []) or []:
        if r.kind == "rules" and r.error and not r.prompt_tokens:
            lines.append(f"  note: {r.error}")  # no LLM configured
            continue
        prompt = (
            f"prompt {r.prompt_tokens} tok ({r.augmentation_tokens} of fixes)" if r.prompt_tokens else "no LLM call"
        )
        fixes = f", fixes {', '.join(r.fix_ids)}" if r.fix_ids else ""
        used = r.usage_prompt_tokens + r.usage_completion_tokens
        cost = f", ${r.cost_usd:.4f}" if r.cost_usd else ""
        cached = " (cached)" if r.cached else ""
        lines.append(f"  round {r.index} {r.kind}: {prompt}{fixes}; {used} tok used{cost}{cached}; {r.summary}")
    return lines


def notebook_command(source: Path, out: Path, backend: str, verify: bool, as_json: bool, force: bool) -> int:
    """`t2j translate NOTEBOOK.ipynb -o OUT.ipynb`: translate, print what was verified; the exit code."""
    from t2j.migrate.notebook import translate_notebook

    result = translate_notebook(source, out, backend=backend, verify=verify, force=force)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        typer.echo(f"wrote {out} ({result.code_cells} code cells, {result.markdown_cells} markdown cells kept)")
        for spot in result.spots:
            typer.echo(f"  line {spot.line}: {spot.message}")
        for module in result.modules:
            typer.echo(f"  {module.entry} ({module.inputs} inputs): {module.summary}")
        if verify and not result.modules:
            typer.echo("  nothing verified: no get_inputs() and no module called in the notebook")
    return 0 if result.ok else 1


def register(app: typer.Typer) -> None:
    @app.command("translate")
    def translate_command(
        source: Path = typer.Argument(..., help="PyTorch .py file or .ipynb notebook to translate (never modified)"),
        out: Path = typer.Option(..., "-o", "--out", help="where to write the JAX translation"),
        backend: str = typer.Option("rules", "--backend", help="rules (offline), openai (LLM) or hybrid (rules + LLM)"),
        no_verify: bool = typer.Option(False, "--no-verify", help="do not run the verifier"),
        as_json: bool = typer.Option(False, "--json", help="print the Translation as JSON"),
        force: bool = typer.Option(False, "--force", help="overwrite OUT if it exists"),
        entry: Optional[str] = typer.Option(None, "--entry", help="module class or function to verify (default Model)"),
        base_url: Optional[str] = typer.Option(
            None, "--base-url", help="OpenAI-compatible server (or OPENAI_BASE_URL)"
        ),
        model: Optional[str] = typer.Option(None, "--model", help="LLM model name (or T2J_MODEL)"),
        api_key: Optional[str] = typer.Option(None, "--api-key", help="API key (or OPENAI_API_KEY)"),
        max_repairs: Optional[int] = typer.Option(None, "--max-repairs", min=0, help="LLM repair rounds (default 3)"),
        record_timeout: float = typer.Option(
            300.0, "--record-timeout", min=1.0, help="training scripts: seconds each recorded/replayed run may take"
        ),
        max_steps: int = typer.Option(5, "--max-steps", min=1, help="training scripts: optimizer steps replayed"),
        max_bytes: int = typer.Option(1_000_000, "--max-bytes", help="refuse sources larger than this"),
    ):
        """Translate SOURCE to Flax NNX + optax. Ends with one status line: VERIFIED (exit 0), NOT VERIFIED
        (exit 1; 0 with --no-verify), INCOMPLETE: untranslated spots marked in OUT (exit 1); bad input exit 2."""
        from t2j.backends import translate
        from t2j.outputs import check_output, write_output
        from t2j.status import translation_status

        check_output(out, sources=[source], force=force)
        if source.is_file() and source.stat().st_size > max_bytes:
            raise BadInput(
                f"'{source}' is {source.stat().st_size} bytes, over --max-bytes {max_bytes}; raise "
                "--max-bytes to translate it"
            )
        if source.suffix == ".ipynb":  # notebooks: t2j/migrate/notebook.py
            raise typer.Exit(notebook_command(source, out, backend, not no_verify, as_json, force))
        settings = llm_settings(base_url=base_url, model=model, api_key=api_key, max_repairs=max_repairs)
        settings = settings.model_copy(update={"record_timeout_s": record_timeout, "record_max_steps": max_steps})
        result = translate(source, backend=backend, verify=not no_verify, entry=entry, settings=settings)
        write_output(out, result.code)
        if as_json:
            typer.echo(result.model_dump_json(indent=2))
        else:
            typer.echo(f"wrote {out} ({len(result.rules_fired)} rules fired, {result.seconds * 1e3:.1f} ms)")
            for d in result.diagnostics:
                typer.echo(f"  line {d.line}: {d.message}")
            for line in round_lines(result):
                typer.echo(line)
            if result.verification is not None:
                from t2j.cli.verify import render

                typer.echo(render(result.verification))
        status = translation_status(result, verify_asked=not no_verify)  # the last line, always
        typer.echo(status.line, err=as_json)  # (on stderr with --json, which keeps stdout one JSON document)
        raise typer.Exit(status.exit_code)
