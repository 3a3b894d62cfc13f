"""prompts stage: templates from `prompts/`, offline token counting, and pure prompt builders."""

from t2j.prompts.build import (
    JUDGE_KINDS,
    UNTRANSLATED_MARK,
    build_judge_prompt,
    build_repair_prompt,
    build_translate_prompt,
    open_spots,
)
from t2j.prompts.model import Message, Prompt
from t2j.prompts.tokens import count_tokens

__all__ = [
    "JUDGE_KINDS",
    "UNTRANSLATED_MARK",
    "Message",
    "Prompt",
    "build_judge_prompt",
    "build_repair_prompt",
    "build_translate_prompt",
    "count_tokens",
    "open_spots",
]
