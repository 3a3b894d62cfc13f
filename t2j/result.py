"""The result of a translation: code, what could not be translated, which rules fired, and the verdict."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from t2j.verify.report import Verification

# the comment that marks, in translated code, what a backend left untranslated (rules write it, the hybrid
# backend's prompt asks the LLM to finish exactly those spots, diagnostics are read back from it)
UNTRANSLATED_MARK = "# t2j: not translated:"


class Diagnostic(BaseModel):
    """Something the translator could not (or only partly) translate, at a line of the source."""

    line: int
    message: str
    snippet: str = ""


class Translation(BaseModel):
    source: str
    code: str
    backend: str
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    rules_fired: list[str] = Field(default_factory=list)
    verification: Verification | None = None
    rounds: list[Any] = Field(default_factory=list)  # repair rounds (LLM backends); empty for rules
    tokens: dict[str, int] = Field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Translated with nothing left over and, where verified, verified."""
        if self.verification is not None:
            return self.verification.ok
        return not self.diagnostics
