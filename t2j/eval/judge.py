"""LLM-judge metrics (CodeTrans with and without reference, FixCost, Comparison) with validated JSON replies.

Each metric's prompt comes from `t2j.prompts.build_judge_prompt` (templates `prompts/judge_*.md`), goes to the
judge through a `Chat` callable, and its JSON reply is validated with a pydantic model. A malformed reply is
retried once, with the validation error shown to the judge; a second malformed reply is recorded as `invalid`,
never raised.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from pydantic import BaseModel, ValidationError

from t2j.eval.judge_models import ComparisonReply, CodeTransReply, FixCostReply, JudgeOutcome

_FENCED_JSON = re.compile(r"```(?:json)?\s*(\{.*?\})\s*```", re.DOTALL)


class ChatResult(BaseModel):
    """One judge reply with its usage."""

    text: str
    tokens: int = 0
    cost: float | None = None


# messages (OpenAI chat format) -> reply; raising means the judge could not be reached
Chat = Callable[[list[dict[str, str]]], ChatResult]


def extract_json(text: str) -> object:
    """The JSON object in a reply: the whole text, a ```json fence, the outermost {...} span, or else the last
    complete object in the text (replies that think aloud before answering)."""
    candidates = [text.strip()]
    candidates += [m.group(1) for m in _FENCED_JSON.finditer(text)]
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        candidates.append(text[start : end + 1])
    last_error: Exception | None = None
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError as exc:
            last_error = exc
    decoder = json.JSONDecoder()
    found, position = None, text.find("{")
    while position != -1:
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            position = text.find("{", position + 1)
            continue
        if isinstance(value, dict):
            found = value  # a later top-level object wins; objects nested in it are skipped
        position = text.find("{", end)
    if found is not None:
        return found
    raise ValueError(f"no JSON object in the reply ({last_error})")


def ask_structured(
    chat: Chat, messages: list[dict[str, str]], schema: type[BaseModel], retries: int = 1
) -> tuple[BaseModel | None, JudgeOutcome]:
    """Ask `messages`, validate the reply against `schema`; retry `retries` times on a malformed reply.

    Returns (parsed reply or None, outcome with status ok / invalid / error, attempts, tokens, cost)."""
    messages = list(messages)
    outcome = JudgeOutcome(status="invalid", tokens=0)
    cost: float | None = None
    for attempt in range(retries + 1):
        try:
            reply = chat(messages)
        except Exception as exc:  # the client already retried transport errors; record, do not crash
            outcome.status = "error"
            outcome.reason = f"judge call failed: {type(exc).__name__}: {exc}"
            outcome.attempts = attempt + 1
            outcome.cost = cost
            return None, outcome
        outcome.attempts = attempt + 1
        outcome.tokens += reply.tokens
        if reply.cost is not None:
            cost = (cost or 0.0) + reply.cost
        outcome.cost = cost
        try:
            parsed = schema.model_validate(extract_json(reply.text))
        except (ValueError, ValidationError) as exc:
            problem = _describe(exc)
            outcome.raw = reply.text[:2000]
            outcome.reason = f"malformed judge reply: {problem}"
            messages = messages + [
                {"role": "assistant", "content": reply.text},
                {
                    "role": "user",
                    "content": "Your reply was not valid: "
                    + problem
                    + ". Reply again with only one JSON object with the fields "
                    + ", ".join(schema.model_fields)
                    + ".",
                },
            ]
            continue
        outcome.status = "ok"
        outcome.raw = None
        outcome.reason = getattr(parsed, "reason", None) or None
        return parsed, outcome
    return None, outcome


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):  # (a ValueError too: test it first)
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'reply'}: {e['msg']}" for e in exc.errors())
    return str(exc).splitlines()[0]


class Judge:
    """The judge metrics over one `Chat`."""

    def __init__(self, chat: Chat, model: str | None = None):
        self.chat = chat
        self.model = model  # for counting prompt tokens with the right encoding

    def _ask(self, kind: str, values: dict[str, str], schema: type[BaseModel]):
        from t2j.prompts import build_judge_prompt

        try:
            messages = build_judge_prompt(kind, model=self.model, **values).as_openai()
        except (FileNotFoundError, ValueError) as exc:  # a missing or edited template
            return None, JudgeOutcome(status="error", reason=str(exc))
        return ask_structured(self.chat, messages, schema)

    def codetrans(self, torch_code: str, jax_code: str, reference: str | None = None) -> JudgeOutcome:
        """CodeTrans 0-4; with `reference`, the reference solution is shown to the judge."""
        values = {"torch_code": torch_code.strip(), "jax_code": jax_code.strip()}
        if reference is not None:
            values["reference"] = reference.strip()
        kind = "codetrans_ref" if reference is not None else "codetrans"
        parsed, outcome = self._ask(kind, values, CodeTransReply)
        if parsed is not None:
            outcome.value = float(parsed.score)
        return outcome

    def fixcost(self, torch_code: str, jax_code: str) -> JudgeOutcome:
        """FixCost 0 (nothing to fix) to 4 (rewrite)."""
        values = {"torch_code": torch_code.strip(), "jax_code": jax_code.strip()}
        parsed, outcome = self._ask("fixcost", values, FixCostReply)
        if parsed is not None:
            outcome.value = float(parsed.score)
        return outcome

    def comparison(self, torch_code: str, jax_code: str, opponent: str, key: str) -> JudgeOutcome:
        """Pairwise: +1 when `jax_code` is better than `opponent`, 0 tie, -1 worse. `key` fixes the order."""
        first = candidate_first(key)
        a, b = (jax_code, opponent) if first else (opponent, jax_code)
        values = {"torch_code": torch_code.strip(), "jax_a": a.strip(), "jax_b": b.strip()}
        parsed, outcome = self._ask("comparison", values, ComparisonReply)
        if parsed is not None:
            if parsed.better == "tie":
                outcome.value = 0.0
            else:
                outcome.value = 1.0 if parsed.better == ("A" if first else "B") else -1.0
        return outcome


def candidate_first(key: str) -> bool:
    """A fixed, balanced order for the pairwise prompt (position bias averages out over a benchmark)."""
    return hashlib.sha256(key.encode()).digest()[0] % 2 == 0


def unavailable(reason: str) -> JudgeOutcome:
    return JudgeOutcome(status="unavailable", reason=reason)
