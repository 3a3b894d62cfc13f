"""The judge's `Chat` over t2j's LLM client (retries, on-disk cache, token and cost accounting)."""

from __future__ import annotations

from t2j.eval.judge import Chat, ChatResult
from t2j.settings import Settings

JUDGE_MAX_TOKENS = 1024


def judge_chat(settings: Settings) -> Chat:
    """A `Chat` that sends the judge's messages to `settings.model` at `settings.base_url`.

    Replies come from the cache when the same request was made before: their tokens are counted (they are
    the reply's size) but their cost is 0 (no request was paid for)."""
    from t2j.llm.client import LLMClient, client_options

    options = client_options(settings)  # retries, backoff, timeout from Settings / T2J_LLM_* env
    options["temperature"] = 0.0  # a judge should answer the same way twice
    client = LLMClient(settings, max_tokens=JUDGE_MAX_TOKENS, **options)

    def chat(messages: list[dict[str, str]]) -> ChatResult:
        completion = client.complete(messages)
        cost = 0.0 if completion.cached else completion.cost_usd
        return ChatResult(text=completion.text, tokens=completion.total_tokens, cost=cost)

    return chat
