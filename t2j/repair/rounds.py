"""What one round of the LLM pipeline did: the draft, a mechanical rewrite, or an LLM repair."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from t2j.verify.report import Verification

RoundKind = Literal["rules", "llm-draft", "rewrite", "llm-repair"]


class Round(BaseModel):
    """One attempt: where its code came from, what the prompt held, what the verifier said, what it cost."""

    index: int
    kind: RoundKind
    code: str = ""  # the candidate this round produced ("" when it produced none)
    prompt_tokens: int = 0  # counted offline before sending (0: no LLM call)
    augmentation_tokens: int = 0  # of which retrieved fix entries
    fix_ids: list[str] = Field(default_factory=list)  # entries in the prompt, or the entry whose rewrite was applied
    verified: bool = False
    summary: str = ""  # the verifier's one-line summary, or why there was nothing to verify
    verification: Verification | None = None
    error: str | None = None  # no code block, LLM failure...
    usage_prompt_tokens: int = 0  # as reported by the server
    usage_completion_tokens: int = 0
    cost_usd: float | None = None
    cached: bool = False
    requests: int = 0  # HTTP requests made (retries included; 0 on a cache hit)
    seconds: float = 0.0
    mined_fix: str | None = None  # id of the fix candidate recorded when this round repaired a failing draft
