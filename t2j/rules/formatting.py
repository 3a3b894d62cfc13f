"""The last step of a rules translation: the generated code formatted as a JAX engineer's own would be.

ruff's formatter (a pip dependency shipping one binary) runs on the text through stdin, at t2j's line length and
ignoring any configuration file around the working directory, so the same source always gives the same output.
It keeps every comment (the user's and the `# t2j:` markers) and the code's meaning (ruff refuses a formatting
that would change the syntax tree). Formatting is a nicety, never a reason to fail: without ruff, or when it
rejects the text, the unformatted text is returned as it was.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

LINE_LENGTH = 120  # the project's own (pyproject.toml [tool.ruff])
TIMEOUT_S = 30


@functools.lru_cache(maxsize=1)
def ruff_binary() -> str | None:
    """The ruff executable of this environment (the pip package's), else one on PATH, else None."""
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


def format_code(code: str, *, line_length: int = LINE_LENGTH) -> str:
    """`code` formatted by `ruff format`; `code` itself when ruff is missing, fails or times out."""
    binary = ruff_binary()
    if binary is None or not code.strip():
        return code
    command = [binary, "format", "--isolated", f"--line-length={line_length}", "--stdin-filename=t2j_output.py", "-"]
    try:
        run = subprocess.run(command, input=code, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return code
    if run.returncode != 0 or not run.stdout.strip():
        return code
    return run.stdout
