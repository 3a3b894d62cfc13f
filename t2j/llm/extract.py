"""Pull the code out of an LLM reply: ```python fences, bare ``` fences, ~~~ fences; no fence is an error."""

from __future__ import annotations

import re

from t2j.llm.errors import NoCodeBlock

# An opening fence (``` or ~~~, 3 or more) with an optional language tag, then the body up to a closing fence of
# the same kind on its own line, or the end of the reply (a reply cut off by the token limit).
_FENCE = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+#.-]*)[^\n]*\n(?P<body>.*?)(?:^[ \t]*(?P=fence)[ \t]*$|\Z)",
    re.DOTALL | re.MULTILINE,
)
_PY_LANGS = {"python", "py", "python3", "jax", ""}


def code_blocks(reply: str) -> list[tuple[str, str]]:
    """All fenced blocks as (language, body), in order."""
    return [(m.group("lang").lower(), m.group("body")) for m in _FENCE.finditer(reply)]


def extract_code(reply: str) -> str:
    """The code of a reply: the longest python-tagged (or untagged) fenced block.

    Several Python blocks usually mean an explanation with snippets plus the file; the whole file is the longest.
    A reply with no fence raises NoCodeBlock (we do not guess where prose ends and code begins).
    """
    blocks = code_blocks(reply or "")
    python = [body for lang, body in blocks if lang in _PY_LANGS]
    candidates = python or [body for _, body in blocks]
    candidates = [c for c in candidates if c.strip()]
    if not candidates:
        start = " ".join((reply or "").strip().split())[:80]
        raise NoCodeBlock(
            f"the model's reply has no fenced code block (it starts: {start!r}); "
            "the prompt asks for one ```python block - try again or use a stronger model"
        )
    return max(candidates, key=len).strip("\n") + "\n"
