"""The data a prompt builder hands to an LLM backend."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Message(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class Prompt(BaseModel):
    """A chat request ready to send: messages, their token count, and which fix entries it carries."""

    kind: str  # "translate", "hybrid", "repair", "judge_codetrans", ...
    messages: list[Message]
    tokens: int = 0  # the whole request, counted offline with the model's encoding
    augmentation_tokens: int = 0  # tokens spent on retrieved fix entries
    fix_ids: list[str] = Field(default_factory=list)  # entries included, in order
    dropped_fix_ids: list[str] = Field(default_factory=list)  # entries left out to stay within the budget

    def as_openai(self) -> list[dict]:
        """The messages in the chat-completions wire format."""
        return [{"role": m.role, "content": m.content} for m in self.messages]

    @property
    def user_text(self) -> str:
        return "\n".join(m.content for m in self.messages if m.role == "user")
