"""The `t2j` command line: one file per command in this package, each with a `register(app)` hook.

A command file parses options and prints; the work is done by the stage it calls, imported when the command
runs (so that `t2j translate` never loads the LLM client, and `t2j --help` loads no stage at all).

Exit codes: 0 done (and verified where asked), 1 done but not verified / not equivalent, 2 bad input or usage.
"""

from __future__ import annotations

import signal
import sys
import threading
from importlib import import_module

import typer

from t2j.errors import BadInput
from t2j.llm.errors import LLMError

# Modules that define `register(app: typer.Typer)`; add one line per command (group).
COMMAND_MODULES = [
    "t2j.cli.migrate",
    "t2j.cli.verify",
    "t2j.cli.fixes",
    "t2j.cli.translate",
    "t2j.cli.eval",
    "t2j.cli.synth",
]

app = typer.Typer(
    name="t2j",
    help="Translate PyTorch to JAX (Flax NNX + optax) and prove each translation equivalent.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Translate PyTorch to JAX (Flax NNX + optax) and prove each translation equivalent."""


for _module in COMMAND_MODULES:
    import_module(_module).register(app)


def _terminate(signum, frame) -> None:
    # SIGTERM (`timeout 300 t2j verify ...`) unwinds like Ctrl-C: atexit stops the sandboxes and their jobs
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; bad input becomes a one-line message and exit code 2 (usage errors too, via click)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        app(args=argv, prog_name="t2j")
    except BadInput as exc:
        print(f"t2j: error: {exc}", file=sys.stderr)
        return 2
    except LLMError as exc:  # the LLM server failed after retries, or never gave code: not done, exit 1
        print(f"t2j: error: {exc}", file=sys.stderr)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0
