"""`t2j fixes list|check|add`: browse the fix store, prove its entries, add new repairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from t2j.errors import BadInput


def _load(store: Optional[Path]):
    from t2j.fixes.store import load_store

    if store is not None and not store.exists():
        raise BadInput(f"fix store '{store}' does not exist; pass an existing folder or YAML file to --store")
    return load_store(store)


def _select(fix_store, ids: list[str], category: Optional[str]):
    entries = list(fix_store.entries)
    if category:
        entries = [e for e in entries if e.category == category]
        if not entries:
            raise BadInput(f"no entries in category '{category}'; see `t2j fixes list` for the categories")
    if ids:
        known = {e.id for e in entries}
        missing = [i for i in ids if i not in known]
        if missing:
            raise BadInput(f"unknown entry id(s): {', '.join(missing)}; see `t2j fixes list`")
        entries = [e for e in entries if e.id in set(ids)]
    return entries


def register(app: typer.Typer) -> None:
    fixes_app = typer.Typer(
        help="The fix store: known PyTorch->JAX mistakes, each proven by execution.", no_args_is_help=True
    )
    app.add_typer(fixes_app, name="fixes")

    @fixes_app.command("list")
    def list_command(
        store: Optional[Path] = typer.Option(
            None, "--store", help="read this folder/file instead of the shipped store"
        ),
        category: Optional[str] = typer.Option(None, "--category", help="only this category"),
        as_json: bool = typer.Option(False, "--json", help="print the entries as JSON"),
    ):
        """List entries: id, category, provenance, title."""
        entries = _select(_load(store), [], category)
        if as_json:
            typer.echo(json.dumps([e.model_dump(mode="json", exclude_none=True) for e in entries], indent=1))
            return
        for e in entries:
            mark = "" if e.reviewed else " (unreviewed)"
            typer.echo(f"{e.id:48s} {e.category:15s} {e.provenance:8s} {e.title}{mark}")
        cats = {e.category for e in entries}
        typer.echo(f"{len(entries)} entries in {len(cats)} categories")

    @fixes_app.command("check")
    def check_command(
        ids: List[str] = typer.Argument(None, help="entry ids to check (default: all)"),
        store: Optional[Path] = typer.Option(
            None, "--store", help="read this folder/file instead of the shipped store"
        ),
        category: Optional[str] = typer.Option(None, "--category", help="only this category"),
        no_rewrite: bool = typer.Option(False, "--no-rewrite", help="skip checking the mechanical rewrites"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON result per entry"),
    ):
        """Execute entries in the verifier's sandbox: buggy must fail as stated, fixed must verify. Exit 1 if any fails."""
        from t2j.fixes.check import check_entry

        entries = _select(_load(store), ids or [], category)
        failed = 0
        results = []
        for entry in entries:
            result = check_entry(entry, check_rewrite=not no_rewrite)
            failed += not result.ok
            if as_json:
                results.append(result.model_dump())
            else:
                typer.echo(result.summary())
        if as_json:
            typer.echo(json.dumps(results, indent=1))
        else:
            typer.echo(f"{len(entries) - failed} of {len(entries)} entries pass")
        if failed:
            raise typer.Exit(1)

    @fixes_app.command("add")
    def add_command(
        torch_file: Path = typer.Option(
            ..., "--torch", help="PyTorch problem file (Model, get_inputs, get_init_inputs)"
        ),
        buggy: Path = typer.Option(..., "--buggy", help="the failing JAX draft"),
        fixed: Path = typer.Option(..., "--fixed", help="the repaired JAX file (must verify)"),
        entry_id: Optional[str] = typer.Option(None, "--id", help="entry id (default: derived from the code)"),
        title: Optional[str] = typer.Option(None, "--title", help="one-line title"),
        category: Optional[str] = typer.Option(None, "--category", help="taxonomy category (fixes/TAXONOMY.md)"),
        why: Optional[str] = typer.Option(None, "--why", help="one paragraph: why the buggy code is wrong"),
        store: Optional[Path] = typer.Option(
            None, "--store", help="store folder to write to (default $T2J_FIX_STORE, else ~/.local/share/t2j/fixes)"
        ),
    ):
        """Record a human repair: the error comes from running the buggy file; the fixed file must verify."""
        from pydantic import ValidationError

        from t2j.fixes.add import add_user_fix

        try:
            entry, path = add_user_fix(
                torch_file, buggy, fixed, store=store, entry_id=entry_id, title=title, category=category, why=why
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            raise BadInput(f"{'.'.join(str(p) for p in first['loc']) or 'entry'}: {first['msg']}") from None
        typer.echo(f"recorded {entry.id} ({entry.error.describe()}) -> {path}")
