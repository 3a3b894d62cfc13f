"""The `t2j` command line. Each pipeline package contributes its own commands through a `register(app)` hook.

Exit codes: 0 done (and verified where asked), 1 done but not verified / not equivalent, 2 bad input or usage.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from t2j.errors import BadInput

# Modules that define `register(app: typer.Typer)`; add one line per command group.
COMMAND_MODULES = [
    "t2j.verify.cli",
]

app = typer.Typer(
    name="t2j",
    help="Translate PyTorch to JAX (Flax NNX + optax) and prove each translation equivalent.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in COMMAND_MODULES:
    import_module(_module).register(app)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error for the user and exit with `code`."""
    typer.echo(f"t2j: error: {message}", err=True)
    raise typer.Exit(code)


def main(argv: list[str] | None = None) -> int:
    try:
        app(args=argv, standalone_mode=False)
    except BadInput as exc:
        print(f"t2j: error: {exc}", file=sys.stderr)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # raised by click for --help and similar
        return int(exc.code or 0)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return 2
        if isinstance(exc, click.exceptions.Abort):
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
