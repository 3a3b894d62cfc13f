"""Comparing translation text with the formatter's line breaks taken out.

Translations are formatted by ruff (t2j.rules.formatting): a call past 120 characters is wrapped, one argument a
line, with a trailing comma. `flat` removes all whitespace and those trailing commas, so a test can ask whether
the code contains a construct without spelling out where the formatter broke its lines.
"""

from __future__ import annotations

import re

_TRAILING_COMMA = re.compile(r",(?=[)\]}])")


def flat(code: str) -> str:
    """`code` without whitespace and without trailing commas before a closing bracket."""
    return _TRAILING_COMMA.sub("", re.sub(r"\s+", "", code))
