"""The structured replies expected from the LLM judge, and the recorded outcome of one judge metric."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

JudgeStatus = Literal["ok", "invalid", "unavailable", "error"]


class CodeTransReply(BaseModel):
    """CodeTrans: functional correctness and usefulness of a translation, 0 (useless) to 4 (correct, idiomatic)."""

    score: int = Field(ge=0, le=4)
    reason: str = ""


class FixCostReply(BaseModel):
    """FixCost: how much work turns the translation into a correct one, 0 (none) to 4 (rewrite)."""

    score: int = Field(ge=0, le=4)
    lines_to_change: int = Field(default=0, ge=0)
    reason: str = ""


class ComparisonReply(BaseModel):
    """Comparison: which of two translations of the same PyTorch code is better."""

    better: Literal["A", "B", "tie"]
    reason: str = ""


class JudgeOutcome(BaseModel):
    """What happened for one judge metric of one record."""

    status: JudgeStatus
    value: float | None = None
    reason: str | None = None  # the judge's explanation (ok) or why there is no value (otherwise)
    attempts: int = 0
    tokens: int = 0
    cost: float | None = None
    raw: str | None = None  # the last reply, kept when it was invalid
