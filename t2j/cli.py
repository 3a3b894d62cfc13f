"""The `t2j` command line. Each pipeline package contributes its own commands through a `register(app)` hook.

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

# Modules that define `register(app: typer.Typer)`; add one line per command group.
COMMAND_MODULES = [
    "t2j.migrate.cli",
    "t2j.verify.cli",
    "t2j.fixes.cli",
    "t2j.rules.cli",
    "t2j.eval.cli",
    "t2j.synth.cli",
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


if __name__ == "__main__":
    sys.exit(main())
