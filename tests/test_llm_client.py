"""The LLM client against a real local HTTP server through the real `openai` client (never mocked)."""

from __future__ import annotations

import time

import pytest

from support import llm as support_llm
from support.fake_openai import FakeOpenAIServer, Reply
from t2j.llm import LLMClient, LLMNotConfigured, LLMUnavailable, NoCodeBlock, extract_code
from t2j.settings import Settings

MESSAGES = [{"role": "user", "content": "translate x"}]


def client_for(server: FakeOpenAIServer, tmp_path, **kw) -> LLMClient:
    return support_llm.client_for(server, tmp_path / "cache", **kw)


def test_reply_usage_and_cost(tmp_path):
    with FakeOpenAIServer([Reply.code("y = 1", prompt_tokens=1000, completion_tokens=500)]) as server:
        code, completion = client_for(server, tmp_path).complete_code(MESSAGES)
    assert code == "y = 1\n"
    assert (completion.prompt_tokens, completion.completion_tokens, completion.attempts) == (1000, 500, 1)
    assert completion.cost_usd == pytest.approx((1000 * 0.15 + 500 * 0.60) / 1e6)
    request = server.requests[0]
    assert request["model"] == "gpt-4o-mini" and request["messages"] == MESSAGES
    assert server.headers[0]["authorization"] == "Bearer test-key"


def test_usage_counted_offline_when_the_server_reports_none(tmp_path):
    with FakeOpenAIServer([Reply.code("y = 1", usage=False)]) as server:
        completion = client_for(server, tmp_path).complete(MESSAGES)
    assert completion.prompt_tokens > 0 and completion.completion_tokens > 0 and completion.cost_usd > 0


def test_reasoning_models_get_max_completion_tokens(tmp_path):
    with FakeOpenAIServer([Reply.code("y = 1")]) as server:
        settings = Settings(base_url=server.base_url, model="o4-mini", api_key="k")
        LLMClient(settings, cache_dir=tmp_path, max_tokens=2048).complete(MESSAGES)
    request = server.requests[0]
    assert request["max_completion_tokens"] == 2048 and "max_tokens" not in request and "temperature" not in request


def test_429_then_success(tmp_path):
    with FakeOpenAIServer([Reply.error(429, "slow down", retry_after=0), Reply.code("ok = True")]) as server:
        code, completion = client_for(server, tmp_path).complete_code(MESSAGES)
    assert code == "ok = True\n" and completion.attempts == 2 and len(server.requests) == 2


def test_5xx_until_retries_run_out(tmp_path):
    sleeps = []
    with FakeOpenAIServer([Reply.error(503)] * 3 + [Reply.code("never = 1")]) as server:
        client = client_for(server, tmp_path, max_retries=2, backoff_s=0.5, sleep=sleeps.append)
        with pytest.raises(LLMUnavailable, match=r"failed after 3 attempts: HTTP 503"):
            client.complete(MESSAGES)
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]  # exponential backoff, bounded by max_retries


def test_non_retryable_status_fails_at_once(tmp_path):
    with FakeOpenAIServer([Reply.error(401, "bad key"), Reply.code("x = 1")]) as server:
        with pytest.raises(LLMUnavailable, match=r"HTTP 401.*--api-key"):
            client_for(server, tmp_path).complete(MESSAGES)
    assert len(server.requests) == 1


def test_timeout_is_retried_then_reported(tmp_path):
    with FakeOpenAIServer([Reply.slow(5.0), Reply.code("fast = 1")]) as server:
        client = client_for(server, tmp_path, request_timeout_s=0.3)
        started = time.monotonic()
        code, completion = client.complete_code(MESSAGES)
        assert code == "fast = 1\n" and completion.attempts == 2
        assert time.monotonic() - started < 4.0
    with FakeOpenAIServer([Reply.slow(5.0), Reply.slow(5.0)]) as server:
        client = client_for(server, tmp_path, request_timeout_s=0.3, max_retries=1)
        with pytest.raises(LLMUnavailable, match="timed out"):
            client.complete([{"role": "user", "content": "other"}])


def test_malformed_reply_is_retried(tmp_path):
    with FakeOpenAIServer([Reply.malformed(), Reply.code("z = 3")]) as server:
        code, completion = client_for(server, tmp_path).complete_code(MESSAGES)
    assert code == "z = 3\n" and completion.attempts == 2


def test_reply_without_code_block(tmp_path):
    with FakeOpenAIServer([Reply.text("I cannot translate this, sorry.")]) as server:
        with pytest.raises(NoCodeBlock, match="no fenced code block.*I cannot translate"):
            client_for(server, tmp_path).complete_code(MESSAGES)


def test_cache_hit_makes_no_request(tmp_path):
    with FakeOpenAIServer([Reply.code("a = 1", prompt_tokens=10, completion_tokens=5)]) as server:
        first = client_for(server, tmp_path).complete(MESSAGES)
        second = client_for(server, tmp_path).complete(MESSAGES)  # a new client, same cache folder
        assert len(server.requests) == 1
    assert not first.cached and second.cached and second.attempts == 0 and second.cost_usd == 0.0
    assert second.text == first.text and second.key == first.key and second.prompt_tokens == 10
    with FakeOpenAIServer([Reply.code("b = 2")]) as server:  # a different prompt is not a hit
        other = client_for(server, tmp_path).complete([{"role": "user", "content": "something else"}])
        assert other.text != first.text and len(server.requests) == 1


def test_not_configured():
    with pytest.raises(LLMNotConfigured, match="--model"):
        LLMClient(Settings(model=None, base_url="http://127.0.0.1:1/v1"))
    with pytest.raises(LLMNotConfigured, match="--base-url"):
        LLMClient(Settings(model="m", base_url=None, api_key=None))


@pytest.mark.parametrize(
    "reply, code",
    [
        ("Here:\n```python\nimport jax\nx = 1\n```\nDone.", "import jax\nx = 1\n"),
        ("```\nbare = True\n```", "bare = True\n"),
        ("~~~py\ntilde = 1\n~~~", "tilde = 1\n"),
        (
            "Snippet `a`:\n```python\na = 1\n```\nFull file:\n```python\nimport jax\n\nb = 2\nc = 3\n```",
            "import jax\n\nb = 2\nc = 3\n",
        ),
        ("```python\ncut = 'off by the token limit'\n", "cut = 'off by the token limit'\n"),
        ("```bash\npip install jax\n```\n```python\nreal = 1\n```", "real = 1\n"),
    ],
)
def test_extract_code(reply, code):
    assert extract_code(reply) == code
